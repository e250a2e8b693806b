#pragma once
// Where a pod runs: Kubernetes' scheduler as pure functions. Filter the nodes (schedulable,
// taints tolerated, nodeSelector and required node affinity, host ports free, requests fit what
// the node's pods leave of its allocatable), then score the rest (least allocated, preferred
// node affinity, the owner's pods spread over nodes) and take the best. The scheduler actor
// (actors/scheduler) feeds it the nodes and pods it follows and binds the pod to the answer.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace orkest::control {

// What a pod asks of a node, or what a node has to give.
struct resource_amounts {
  std::int64_t cpu_millis = 0;
  std::int64_t memory_bytes = 0;
  std::int64_t pods = 0;
};

// The pod's effective requests as Kubernetes computes them: the sum over its containers, or
// the largest init container's when that is more; pods = 1.
resource_amounts pod_requests(const nlohmann::json& pod);
// status.allocatable (capacity when allocatable is absent).
resource_amounts node_allocatable(const nlohmann::json& node);

// Whether the toleration tolerates the taint (Kubernetes' ToleratesTaint).
bool toleration_matches(const nlohmann::json& toleration, const nlohmann::json& taint);
// Whether one toleration of the list tolerates the taint.
bool tolerates(const nlohmann::json& tolerations, const nlohmann::json& taint);
// spec.nodeSelector and spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.
bool matches_node_selection(const nlohmann::json& pod, const nlohmann::json& node);

// Still holds its node's resources: bound, and neither Succeeded nor Failed.
bool holds_node_resources(const nlohmann::json& pod);

struct scheduling_decision {
  std::string node;     // empty: no node fits
  std::string message;  // why not, in Kubernetes' words ("0/3 nodes are available: ...")
};

// A host port a pod's container asks for.
struct host_port {
  std::int64_t port = 0;
  std::string protocol, ip;
};

// The nodes as one scheduling pass sees them: each node's allocatable and what the pods bound
// to it already request, computed once per pass and updated as the pass places pods (as
// Kubernetes' scheduler works from a snapshot of its cache).
class cluster_snapshot {
 public:
  // `pods`: those bound to nodes (including those assumed bound while their binding is out).
  cluster_snapshot(const std::vector<const nlohmann::json*>& nodes, const std::vector<const nlohmann::json*>& pods);

  scheduling_decision schedule(const nlohmann::json& pod) const;
  // The pod now counts on `node` for the rest of the pass.
  void place(const nlohmann::json& pod, const std::string& node);

  struct node_view {
    const nlohmann::json* node = nullptr;
    resource_amounts allocatable;
    resource_amounts requested;          // by the pods bound to it
    resource_amounts scoring_requested;  // the same with Kubernetes' non-zero defaults
    std::vector<host_port> ports_taken;
    std::map<std::string, std::int64_t> pods_by_owner;  // controller uid -> pods on this node
  };

 private:
  std::map<std::string, node_view> nodes_;  // by name: ties go to the first name
};

// One pod against the nodes and the pods bound to them.
scheduling_decision schedule(const nlohmann::json& pod, const std::vector<const nlohmann::json*>& nodes,
                             const std::vector<const nlohmann::json*>& pods);

}  // namespace orkest::control
