#include "control/container_spec_for_pod.hpp"

#include <algorithm>

#include "control/pod_facts.hpp"
#include "model/container_resources.hpp"
#include "model/json_access.hpp"

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
          {podman::label_node, model::value_at(pod, "/spec/nodeName"_json_pointer, std::string{})}};
}

namespace {

// securityContext: the container's runAsUser, runAsGroup and runAsNonRoot override the pod's;
// fsGroup and supplementalGroups are the process's extra groups, as the kubelet adds them.
void apply_security_context(podman::container_spec& spec, const json& pod, const json& container) {
  const json& pod_context = model::member_or_null(model::member_or_null(pod, "spec"), "securityContext");
  const json& context = model::member_or_null(container, "securityContext");
  auto effective = [&](const char* name) -> const json& {
    const json& own = model::member_or_null(context, name);
    return own.is_null() ? model::member_or_null(pod_context, name) : own;
  };
  // A group alone is ":GID": the runtime gives it the image's user.
  if (const json& user = effective("runAsUser"); user.is_number_integer()) spec.user = std::to_string(user.get<long long>());
  if (const json& group = effective("runAsGroup"); group.is_number_integer())
    spec.user += ":" + std::to_string(group.get<long long>());
  if (const json& fs_group = model::member_or_null(pod_context, "fsGroup"); fs_group.is_number_integer())
    spec.groups.push_back(fs_group.get<long long>());
  for (const auto& group : model::member_or_null(pod_context, "supplementalGroups").is_array()
                               ? pod_context["supplementalGroups"]
                               : json::array())
    if (group.is_number_integer() &&
        std::find(spec.groups.begin(), spec.groups.end(), group.get<long long>()) == spec.groups.end())
      spec.groups.push_back(group.get<long long>());
  spec.read_only_root = model::member_or_null(context, "readOnlyRootFilesystem") == true;
  spec.no_new_privileges = model::member_or_null(context, "allowPrivilegeEscalation") == false;
  spec.privileged = model::member_or_null(context, "privileged") == true;
  const json& capabilities = model::member_or_null(context, "capabilities");
  for (const auto& name : model::member_or_null(capabilities, "add").is_array() ? capabilities["add"] : json::array())
    if (name.is_string()) spec.capabilities_added.push_back(name.get<std::string>());
  for (const auto& name : model::member_or_null(capabilities, "drop").is_array() ? capabilities["drop"] : json::array())
    if (name.is_string()) spec.capabilities_dropped.push_back(name.get<std::string>());
  spec.run_as_non_root = effective("runAsNonRoot") == true;
  spec.non_root_subject = "(pod: \"" + name_of(pod) + "_" + namespace_of(pod) + "(" + uid_of(pod) +
                          ")\", container: " + container.value("name", "") + ")";
}

}  // namespace

podman::container_spec container_spec_for(const json& pod, const std::string& network, const std::string& dns_server,
                                          const std::string& cluster_domain) {
  return container_spec_for(pod, environment_for(pod, {}, {}), network, dns_server, cluster_domain);
}

podman::container_spec container_spec_for(const json& pod, const container_environment& environment,
                                          const std::string& network, const std::string& dns_server,
                                          const std::string& cluster_domain) {
  const json container = model::value_at(pod, "/spec/containers/0"_json_pointer, json::object());
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
  spec.working_dir = container.value("workingDir", "");
  for (const auto& port : container.value("ports", json::array()))
    spec.ports.push_back({port.value("name", ""), port.value("containerPort", 0), port.value("protocol", "TCP"),
                          port.value("hostPort", 0), port.value("hostIP", "")});
  apply_security_context(spec, pod, container);
  const auto resources = model::resources_of(container);
  if (resources.memory_limit) spec.memory_limit_bytes = resources.memory_limit->value();
  if (resources.cpu_limit) spec.cpu_limit_millis = resources.cpu_limit->milli_value();
  return spec;
}

}  // namespace orkest::control
