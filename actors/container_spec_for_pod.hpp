#pragma once
// How a Pod becomes a container: name, labels, hostname and alias, env, command and args.

#include <nlohmann/json.hpp>
#include <string>

#include "podman/container_runtime.hpp"

namespace orkest::actors {

// "orkest_<namespace>_<pod name>": unique per pod, readable in `podman ps`.
std::string container_name_for(const std::string& ns, const std::string& pod_name);

// The labels orkest puts on a pod's container (managed-by, namespace, name, uid).
podman::label_map container_labels_for(const nlohmann::json& pod);

podman::container_spec container_spec_for(const nlohmann::json& pod, const std::string& network);

}  // namespace orkest::actors
