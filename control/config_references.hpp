#pragma once
// The ConfigMaps, Secrets and claims a pod reads (its container's env and envFrom, its
// configMap, secret and persistentVolumeClaim volumes), and what the store answered for them: the kubelet reads them when it
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
  std::set<std::string> claims;  // PersistentVolumeClaims (their volumes are read after them)
  bool empty() const { return config_maps.empty() && secrets.empty() && claims.empty(); }
};

// Everything the pod names: env, envFrom and volumes.
config_references config_references_of(const nlohmann::json& pod);
// Only what its volumes name (read again while the pod runs).
config_references volume_config_references_of(const nlohmann::json& pod);

// What the store answered for those names; a name absent here was not found.
struct config_objects {
  std::map<std::string, nlohmann::json> config_maps;
  std::map<std::string, nlohmann::json> secrets;
  std::map<std::string, nlohmann::json> claims;
  std::map<std::string, nlohmann::json> volumes;  // the PersistentVolumes bound to those claims
};

// The versions of the objects `which` names, as found ("ConfigMap/app@12 Secret/db@- ..."):
// changes exactly when one of them changes, appears or goes.
std::string versions_of(const config_objects& objects, const config_references& which);

// The PersistentVolumes the found claims are bound to (read once the claims are).
std::set<std::string> bound_volumes_of(const config_objects& objects);

}  // namespace orkest::control
