#include "control/container_spec_for_pod.hpp"

#include "control/pod_facts.hpp"
#include "api/container_resources.hpp"
#include "api/json_access.hpp"

namespace orkest::control {

using nlohmann::json;

std::string container_name_for(const std::string& ns, const std::string& pod_name) {
  return "orkest_" + ns + "_" + pod_name;
}

podman::label_map container_labels_for(const json& pod) {
  return {{podman::label_managed_by, "orkest"},
          {podman::label_namespace, namespace_of(pod)},
          {podman::label_pod_name, name_of(pod)},
          {podman::label_pod_uid, uid_of(pod)},
          {podman::label_node, api::value_at(pod, "/spec/nodeName"_json_pointer, std::string{})}};
}

podman::container_spec container_spec_for(const json& pod, const std::string& network, const std::string& dns_server,
                                          const std::string& cluster_domain) {
  return container_spec_for(pod, environment_for(pod, {}, {}), network, dns_server, cluster_domain);
}

podman::container_spec container_spec_for(const json& pod, const container_environment& environment,
                                          const std::string& network, const std::string& dns_server,
                                          const std::string& cluster_domain) {
  const json container = api::value_at(pod, "/spec/containers/0"_json_pointer, json::object());
  podman::container_spec spec;
  spec.name = container_name_for(namespace_of(pod), name_of(pod));
  spec.image = container.value("image", "");
  spec.image_pull_policy = container.value("imagePullPolicy", "IfNotPresent");
  spec.command = environment.command;
  spec.args = environment.args;
  spec.env = environment.env;
  spec.pod_ip_env = environment.pod_ip_names;
  spec.labels = container_labels_for(pod);
  spec.hostname = name_of(pod);
  spec.network = network;
  spec.network_aliases = {name_of(pod)};
  if (!dns_server.empty()) {
    spec.dns_servers = {dns_server};
    spec.dns_search = {namespace_of(pod) + ".svc." + cluster_domain, "svc." + cluster_domain, cluster_domain};
  }
  for (const auto& port : container.value("ports", json::array()))
    spec.ports.push_back({port.value("name", ""), port.value("containerPort", 0), port.value("protocol", "TCP")});
  const auto resources = api::resources_of(container);
  if (resources.memory_limit) spec.memory_limit_bytes = resources.memory_limit->value();
  if (resources.cpu_limit) spec.cpu_limit_millis = resources.cpu_limit->milli_value();
  return spec;
}

}  // namespace orkest::control
