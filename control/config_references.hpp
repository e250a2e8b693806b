#pragma once
// The ConfigMaps and Secrets a pod reads (its container's env and envFrom, its configMap and
// secret volumes), and what the store answered for them: the kubelet reads them when it
// starts the container, and again to keep the volumes current.

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace orkest::control {

// Names in the pod's namespace.
struct config_references {
  std::set<std::string> config_maps;
  std::set<std::string> secrets;
  bool empty() const { return config_maps.empty() && secrets.empty(); }
};

// Everything the pod names: env, envFrom and volumes.
config_references config_references_of(const nlohmann::json& pod);
// Only what its volumes name (read again while the pod runs).
config_references volume_config_references_of(const nlohmann::json& pod);

// What the store answered for those names; a name absent here was not found.
struct config_objects {
  std::map<std::string, nlohmann::json> config_maps;
  std::map<std::string, nlohmann::json> secrets;
};

}  // namespace orkest::control
