#pragma once
// What differs between kinds, kept in one file per kind (model/kinds/<kind>.cpp), as Kubernetes
// keeps one strategy per kind (pkg/registry/<group>/<kind>/strategy.go). The generic code
// (shorthands, defaults, validation, the object store, tables, discovery, field validation)
// asks a kind's strategy and names no kind itself. Adding a kind: docs/architecture.md.

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/api_error.hpp"
#include "model/resource_kind.hpp"

namespace orkest::model {

struct kind_strategy {
  resource_kind names;

  // ---- discovery ----
  std::vector<std::string> categories;  // {"all"}: listed by `kubectl get all`
  bool has_status = true;               // a /status subresource
  bool has_scale = false;               // /scale: an autoscaling/v1 Scale over spec.replicas
  bool has_log = false;                 // /log: the container's output
  bool has_binding = false;             // /binding and /eviction: placed on a node, evicted from it

  // ---- writes: each null member does nothing ----
  // The user's shorthand shapes rewritten into Kubernetes' (docs/api.md).
  void (*expand_shorthands)(nlohmann::json& object) = nullptr;
  // Kubernetes' defaults for the kind's fields (apiVersion and kind are set for every kind).
  void (*apply_defaults)(nlohmann::json& object) = nullptr;
  // The causes why an object (an object already) is invalid; empty when valid.
  void (*validate)(std::vector<status_cause>& found, const nlohmann::json& object) = nullptr;
  // The causes why an update may not change the stored object so (immutable fields).
  std::vector<status_cause> (*validate_update)(const nlohmann::json& stored, const nlohmann::json& updated) = nullptr;
  // The status a new object (defaulted and valid) starts with; null for kinds without one.
  nlohmann::json (*initial_status)(const nlohmann::json& object) = nullptr;
  // spec.template is a pod template, spec.selector its selector: a template's metadata gets the
  // forgiven shapes of an object's, and a PUT lacking either keeps the stored spec's fields.
  bool has_pod_template = false;

  // ---- what the store does beyond storing ----
  bool graceful_deletion = false;  // DELETE marks deletionTimestamp; the node removes it (pods)
  // DELETE marks deletionTimestamp and status.phase Terminating while spec.finalizers is not
  // empty; the object goes when a write empties it (namespaces: their controller does, once
  // their content is gone).
  bool finalized_deletion = false;
  // Why the object may not be deleted at all (the namespace default); null or nullptr: it may.
  const char* (*deletion_forbidden)(const nlohmann::json& object) = nullptr;
  bool bound_to_node = false;      // runs on a node: an update leaving spec.nodeName empty keeps it
  bool holds_cluster_ip = false;   // spec.clusterIP comes from the Service range, released on delete
  bool host_path_source = false;   // spec.hostPath is a folder of the host (PersistentVolume)

  // ---- reads ----
  // The known fields for ?fieldValidation=; null accepts any field.
  const nlohmann::json& (*schema)() = nullptr;
  // The Table kubectl prints; null gives Kubernetes' default Name and Created At columns.
  nlohmann::json (*table_columns)() = nullptr;
  nlohmann::json (*table_cells)(const nlohmann::json& object, std::chrono::system_clock::time_point now) = nullptr;
  // A row's conditions (a finished pod's Completed), null for none.
  nlohmann::json (*table_row_conditions)(const nlohmann::json& object) = nullptr;
};

// Every kind orkest serves, in discovery's order (model/kinds/registry.cpp).
const std::vector<kind_strategy>& all_strategies();
// The strategy of a kind; a strategy that does nothing for a kind orkest does not know.
const kind_strategy& strategy_for(const resource_kind& kind);

}  // namespace orkest::model
