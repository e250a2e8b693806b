#pragma once
// The values a store is asked and answers with: keys, requests, results and committed changes.
// Objects travel as Kubernetes-shaped JSON. No CAF here: the actors pass these as messages
// (actors/store_messages.hpp).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/api_error.hpp"

namespace orkest::store {

using json = nlohmann::json;

// Identifies one object. `kind` is the Kind ("Pod"), `ns` its namespace.
struct object_key {
  std::string kind;
  std::string ns;
  std::string name;
};

struct list_request {
  std::string kind;
  std::string ns;              // empty: all namespaces
  std::string label_selector;  // Kubernetes string form, empty matches all
  std::string field_selector;  // metadata.name=..., metadata.namespace=..., spec.nodeName=...
};

enum class patch_type { merge, json_patch, strategic_merge };

struct patch_request {
  patch_type type = patch_type::merge;
  json patch;
  bool status_only = false;  // PATCH .../status: only the patched status is kept
};

struct delete_options {
  std::optional<int64_t> grace_period_seconds;
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
};

// The store's answer to any request: an error, or the object (or List) it produced.
struct store_result {
  std::optional<model::api_error> error;
  json object;
  std::vector<std::string> warnings;

  bool ok() const { return !error.has_value(); }
  static store_result success(json object) { return {std::nullopt, std::move(object), {}}; }
  static store_result failure(model::api_error e) { return {std::move(e), json(), {}}; }
};

enum class change_type { added, modified, deleted, bookmark };

const char* to_string(change_type type);  // "ADDED", "MODIFIED", "DELETED", "BOOKMARK"

// One committed change, as watchers see it.
struct change_event {
  change_type type = change_type::added;
  std::string kind;
  json object;
  uint64_t resource_version = 0;
};

struct watch_request {
  std::string kind;
  std::string ns;              // empty: all namespaces
  std::string label_selector;  // empty: everything
  std::string field_selector;
  // Resume after this version (events newer than it are replayed from history); an expired
  // version is 410 Gone. Unset: start now.
  std::optional<uint64_t> resource_version;
  // Replay every existing object as ADDED first (atomically with subscribing).
  bool send_initial_events = false;
};

}  // namespace orkest::store
