#pragma once
// Limits the store enforces on what a client may ask of this machine, beyond an object's own
// validity, as pure functions: which host ports a Service may bind, how many replicas a
// ReplicaSet may ask for, how many pods the node takes. Each answer is Kubernetes' cause shape,
// naming the field.

#include <cstddef>
#include <string>
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "model/api_error.hpp"
#include "model/kind_strategy.hpp"

namespace orkest::store {

struct admission_limits {
  // Services listen on the host at their port: below 1024 only when allowed (ssh, DNS, ...).
  bool service_ports_below_1024 = false;
  std::vector<int> reserved_ports;  // never a Service's: orkest's own API port
  // The most pods the node runs (Kubernetes' kubelet default): more are refused, and no
  // ReplicaSet may ask for more replicas.
  std::size_t max_pods = 110;
  // privileged: true and capabilities beyond Kubernetes' baseline Pod Security Standard: each
  // is root on this host to whoever may create pods.
  bool allow_privileged = false;
  // Folders whose paths pods may mount as hostPath volumes; none: no hostPath at all (a
  // hostPath is every file of the host to whoever may create pods).
  std::vector<std::string> host_path_allowed;
  // Where orkest's local-path provisioner makes claims' folders: PersistentVolumes may be there.
  std::string provisioned_volumes_dir;
};

// Causes for what `object` of the kind of `strategy` asks beyond this machine's limits: the
// ports of a kind holding a cluster IP (Service), the replicas of a kind with a scale subresource.
std::vector<model::status_cause> admission_causes(const model::kind_strategy& strategy, const nlohmann::json& object,
                                                const admission_limits& limits);

// Causes for a Service's ports that this machine will not bind.
std::vector<model::status_cause> service_port_causes(const nlohmann::json& service, const admission_limits& limits);

// Causes for a pod spec (at `path`) asking for privileges this machine does not give: host
// ports below 1024 or the API's, privileged containers, capabilities beyond the baseline,
// hostPath volumes outside the allowed folders.
std::vector<model::status_cause> privilege_causes(const nlohmann::json& pod_spec, const std::string& path,
                                                const admission_limits& limits);

// Causes for a ReplicaSet asking for more replicas than the node runs.
std::vector<model::status_cause> replica_causes(const nlohmann::json& replica_set, const admission_limits& limits);

}  // namespace orkest::store
