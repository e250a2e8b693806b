#pragma once
// The state behind the store actor, as a plain class: every object orkest knows, keyed by
// kind, namespace and name, with Kubernetes' rules for creating, updating, patching and
// deleting them. No actor, no threads: the store actor is its only owner, tests drive it
// directly.

#include <chrono>
#include <cstdint>
#include <memory>
#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "store/admission_limits.hpp"
#include "control/ip_allocator.hpp"
#include "store/memory_backend.hpp"
#include "store/storage_backend.hpp"
#include "store/node_port_allocator.hpp"
#include "store/store_types.hpp"
#include "model/resource_kind.hpp"

namespace orkest::store {

struct object_store_settings {
  std::string node_name = "orkest";          // this node: bootstrap objects' stable uids, the maxPods message
  std::string service_cidr = "10.96.0.0/16";  // where Services' clusterIPs come from
  std::size_t history_limit = 4096;           // changes kept for watchers to resume from
  std::size_t history_bytes_limit = 64 << 20;  // ... and their encoded size at most
  std::size_t max_object_bytes = 1536 << 10;  // one object's encoded size at most (etcd's 1.5 MiB)
  std::vector<std::string> reserved_ips;      // cluster IPs never handed to Services (the DNS)
  int node_port_first = 30000;                 // services.nodePortRange: NodePort Services' ports
  int node_port_last = 32767;
  admission_limits limits;                    // host ports, replicas and pods this machine takes
};

// Sources of time and randomness, injectable so tests are deterministic.
struct object_store_hooks {
  std::function<std::chrono::system_clock::time_point()> now;
  std::function<std::string()> new_uid;
  std::function<std::string()> random_suffix;  // 5 characters, as Kubernetes' generateName
};
object_store_hooks default_hooks();

class object_store {
 public:
  // Starts from the objects the backend kept (storage_backend::stored_objects). Without a
  // backend, a memory_backend keeping settings.history_limit changes.
  explicit object_store(object_store_settings settings = {}, object_store_hooks hooks = default_hooks(),
                        std::shared_ptr<storage_backend> backend = nullptr);

  store_result create(const std::string& kind, const std::string& ns, json body);
  store_result get(const object_key& key) const;
  store_result list(const list_request& request) const;
  // PUT: replaces metadata (labels, annotations, owners) and spec; status is kept.
  store_result update(const object_key& key, json body);
  // PUT .../status: replaces status only.
  store_result update_status(const object_key& key, json body);
  store_result patch(const object_key& key, const patch_request& request);
  // Pods are deleted gracefully: the first delete marks them (deletionTimestamp) and the pod's
  // actor finishes with a delete of grace 0 once the container is gone.
  store_result remove(const object_key& key, const delete_options& options);
  // POST pods/{name}/binding: sets spec.nodeName of a pod not yet bound (409 once it is) and
  // its PodScheduled condition, as Kubernetes' binding subresource does; answers a Status.
  store_result bind(const object_key& key, const json& binding);

  uint64_t resource_version() const { return backend_->revision(); }
  // Changes committed since the last call, oldest first.
  std::vector<change_event> take_events();
  // Committed changes after `version` for `kind`, or 410 Gone when they are no longer kept.
  std::variant<std::vector<change_event>, model::api_error> history_since(uint64_t version,
                                                                        const std::string& kind) const;
  // Every object of a kind (all namespaces when ns is empty).
  std::vector<json> objects(const std::string& kind, const std::string& ns) const;
  // How many objects of every kind the store holds.
  std::size_t object_count() const;

 private:
  using bucket = std::map<std::string, json>;  // "namespace/name" -> object

  // create and update of a body already in its canonical shape (api/forgiven_shapes).
  store_result create_canonical(const model::resource_kind& kind, const std::string& ns, json body);
  store_result update_canonical(const model::resource_kind& kind, const object_key& key, json body);
  json* find(const object_key& key);
  const json* find(const object_key& key) const;
  store_result commit_update(const model::resource_kind& kind, json& stored, json updated);
  // Commits one change to the backend and queues it for watchers; false if the backend refused.
  bool commit(change_type type, const object_key& key, const json& object, std::size_t bytes, uint64_t expected);
  model::api_error not_stored(const model::resource_kind& kind, const std::string& name) const;
  // 413 for an object that encodes to `bytes`, over max_object_bytes.
  model::api_error too_large(const model::resource_kind& kind, const json& object, std::size_t bytes) const;
  // The resourceVersion the next committed change gets.
  std::string next_resource_version() const;
  // Gives each port of a NodePort or LoadBalancer Service (in `spec`) its nodePort: the one it
  // asks for (422 when out of the range or another Service's), the one its port had in
  // `previous` (the stored spec, on update), or a free one. The ports it claimed, to release
  // if the change is not committed.
  std::variant<std::vector<int>, model::api_error> assign_node_ports(const model::resource_kind& kind, const std::string& name,
                                                                  json& spec, const json& previous);
  void release_node_ports(const std::vector<int>& ports);

  object_store_settings settings_;
  object_store_hooks hooks_;
  std::map<std::string, bucket> buckets_;  // by kind
  std::shared_ptr<storage_backend> backend_;
  control::ip_allocator service_ips_;
  node_port_allocator node_ports_;
  std::vector<change_event> pending_events_;  // committed, not yet taken for watchers
};

}  // namespace orkest::store
