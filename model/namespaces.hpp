#pragma once
// The namespaces every cluster has, and Kubernetes' rules about them.

#include <string>
#include <vector>

namespace orkest::model {

// Kubernetes labels each namespace with its own name, so selectors can pick namespaces.
inline constexpr const char* namespace_name_label = "kubernetes.io/metadata.name";

// Made when missing as the server starts (Kubernetes' system namespaces controller), and always
// there for admission: an object may be created in one before its Namespace object exists.
inline const std::vector<std::string>& system_namespaces() {
  static const std::vector<std::string> names = {"default", "kube-system", "kube-public", "kube-node-lease"};
  return names;
}

inline bool is_system_namespace(const std::string& name) {
  for (const auto& system : system_namespaces())
    if (system == name) return true;
  return false;
}

// These may not be deleted (kube-node-lease may, and is made again).
inline bool is_immortal_namespace(const std::string& name) {
  return name == "default" || name == "kube-system" || name == "kube-public";
}

}  // namespace orkest::model
