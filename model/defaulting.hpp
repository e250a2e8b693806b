#pragma once
// The building blocks of every kind's defaults (model/kinds/*.cpp). Pure, in place.

#include <nlohmann/json.hpp>

#include "model/json_access.hpp"

namespace orkest::model::defaulting {

// Kubernetes defaults what a client left unset: absent, null or, for a string, "". A number's 0
// is a choice (replicas: 0, terminationGracePeriodSeconds: 0) and stays.
inline void set_default(nlohmann::json& object, const char* name, const nlohmann::json& value) {
  const nlohmann::json* current = member(object, name);
  if (object.is_object() && (!current || *current == "")) object[name] = value;
}

// For each object element of the array `parent[name]`.
template <class Visit>
void for_each_item(nlohmann::json& parent, const char* name, Visit&& visit) {
  if (!parent.is_object() || !parent.contains(name) || !parent[name].is_array()) return;
  for (auto& item : parent[name])
    if (item.is_object()) visit(item);
}

// ports[].protocol TCP in a container or an Endpoints subset.
inline void default_ports(nlohmann::json& owner) {
  for_each_item(owner, "ports", [](nlohmann::json& port) { set_default(port, "protocol", "TCP"); });
}

}  // namespace orkest::model::defaulting
