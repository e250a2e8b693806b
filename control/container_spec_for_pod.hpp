#pragma once
// How a Pod becomes a container: name, labels, hostname and alias, env, command and args.

#include <nlohmann/json.hpp>
#include <string>

#include "control/container_env.hpp"
#include "podman/container_runtime.hpp"

namespace orkest::control {

// "orkest_<namespace>_<pod name>": unique per pod, readable in `podman ps`.
std::string container_name_for(const std::string& ns, const std::string& pod_name);

// The labels orkest puts on a pod's container (managed-by, namespace, name, uid).
podman::label_map container_labels_for(const nlohmann::json& pod);

// `environment`: the container's env, command and args (control/container_env.hpp).
// `dns_server` empty: the network's own DNS. Otherwise the pod resolves through it, with
// Kubernetes' search list (<ns>.svc.<domain>, svc.<domain>, <domain>).
podman::container_spec container_spec_for(const nlohmann::json& pod, const container_environment& environment,
                                          const std::string& network, const std::string& dns_server = {},
                                          const std::string& cluster_domain = "cluster.local");

// The same for a pod whose environment reads no ConfigMap or Secret.
podman::container_spec container_spec_for(const nlohmann::json& pod, const std::string& network,
                                          const std::string& dns_server = {},
                                          const std::string& cluster_domain = "cluster.local");

}  // namespace orkest::control
