#include "store/admission_limits.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "model/field_error.hpp"
#include "model/json_access.hpp"

namespace orkest::store {

using nlohmann::json;
namespace fe = model::field_error;

std::vector<model::status_cause> service_port_causes(const json& service, const admission_limits& limits) {
  std::vector<model::status_cause> causes;
  const auto spec = service.find("spec");
  if (spec == service.end() || !spec->is_object() || !spec->contains("ports") || !(*spec)["ports"].is_array())
    return causes;
  const json& ports = (*spec)["ports"];
  for (std::size_t i = 0; i < ports.size(); ++i) {
    if (!ports[i].is_object() || !ports[i].contains("port") || !ports[i]["port"].is_number_integer()) continue;
    const auto port = ports[i]["port"].get<long long>();
    const std::string field = fe::child(fe::index("spec.ports", i), "port");
    if (std::find(limits.reserved_ports.begin(), limits.reserved_ports.end(), port) != limits.reserved_ports.end())
      causes.push_back(fe::invalid(field, port, "is orkest's own API port on this host"));
    else if (port > 0 && port < 1024 && !limits.service_ports_below_1024)
      causes.push_back(fe::forbidden(
          field, "Services listen on the host at their port, and ports below 1024 are not allowed on this host "
                 "(services.hostPortsBelow1024 in orkest's configuration)"));
  }
  return causes;
}

std::vector<model::status_cause> replica_causes(const json& replica_set, const admission_limits& limits) {
  const auto spec = replica_set.find("spec");
  if (spec == replica_set.end() || !spec->is_object()) return {};
  const auto replicas = spec->find("replicas");
  if (replicas == spec->end() || !replicas->is_number_integer() || replicas->get<long long>() < 0) return {};
  if (replicas->get<unsigned long long>() <= limits.max_pods) return {};
  return {fe::invalid("spec.replicas", *replicas,
                      "must be no more than " + std::to_string(limits.max_pods) +
                          ", the most pods this node runs (maxPods in orkest's configuration)")};
}

namespace {

// Kubernetes' baseline Pod Security Standard: the capabilities a container may add.
bool is_baseline_capability(std::string name) {
  if (name.rfind("CAP_", 0) == 0) name = name.substr(4);
  static const char* const baseline[] = {"AUDIT_WRITE", "CHOWN",  "DAC_OVERRIDE", "FOWNER", "FSETID",
                                         "KILL",        "MKNOD",  "NET_BIND_SERVICE", "SETFCAP", "SETGID",
                                         "SETPCAP",     "SETUID", "SYS_CHROOT"};
  return std::find(std::begin(baseline), std::end(baseline), name) != std::end(baseline);
}

// hostPort: as a Service's port, never below 1024 (unless allowed) nor the API's.
std::vector<model::status_cause> host_port_causes(const json& pod_spec, const std::string& path,
                                                const admission_limits& limits) {
  std::vector<model::status_cause> causes;
  const json& containers = model::member_or_null(pod_spec, "containers");
  if (!containers.is_array()) return causes;
  for (std::size_t i = 0; i < containers.size(); ++i) {
    const json& ports = model::member_or_null(containers[i], "ports");
    if (!ports.is_array()) continue;
    for (std::size_t k = 0; k < ports.size(); ++k) {
      const json& port = model::member_or_null(ports[k], "hostPort");
      if (!port.is_number_integer()) continue;
      const auto number = port.get<long long>();
      const std::string field =
          fe::child(fe::index(fe::child(fe::index(fe::child(path, "containers"), i), "ports"), k), "hostPort");
      if (std::find(limits.reserved_ports.begin(), limits.reserved_ports.end(), number) != limits.reserved_ports.end())
        causes.push_back(fe::invalid(field, number, "is orkest's own API port on this host"));
      else if (number > 0 && number < 1024 && !limits.service_ports_below_1024)
        causes.push_back(fe::forbidden(field, "ports below 1024 are not allowed on this host "
                                              "(services.hostPortsBelow1024 in orkest's configuration)"));
    }
  }
  return causes;
}

// `path` (absolute, without "..": validation saw to it) is one of `folders` or inside one.
bool is_under(const std::string& path, const std::vector<std::string>& folders) {
  for (const auto& folder : folders) {
    if (folder == "/") return true;
    if (path.compare(0, folder.size(), folder) == 0 && (path.size() == folder.size() || path[folder.size()] == '/'))
      return true;
  }
  return false;
}

std::vector<model::status_cause> host_path_causes(const json& pod_spec, const std::string& path,
                                                const admission_limits& limits) {
  std::vector<model::status_cause> causes;
  const json& volumes = model::member_or_null(pod_spec, "volumes");
  if (!volumes.is_array()) return causes;
  for (std::size_t i = 0; i < volumes.size(); ++i) {
    const json& host_path = model::member_or_null(volumes[i], "hostPath");
    const std::string folder = model::string_member(host_path, "path");
    if (!host_path.is_object() || folder.empty() || is_under(folder, limits.host_path_allowed)) continue;
    causes.push_back(fe::forbidden(fe::child(fe::child(fe::index(fe::child(path, "volumes"), i), "hostPath"), "path"),
                                   folder + " is not under a folder in security.hostPathAllowed of orkest's "
                                            "configuration (hostPath volumes reach the host's files)"));
  }
  return causes;
}

}  // namespace

std::vector<model::status_cause> privilege_causes(const json& pod_spec, const std::string& path,
                                                const admission_limits& limits) {
  std::vector<model::status_cause> causes = host_port_causes(pod_spec, path, limits);
  fe::append(causes, host_path_causes(pod_spec, path, limits));
  if (limits.allow_privileged) return causes;
  const std::string why = "not allowed on this host (security.allowPrivileged in orkest's configuration)";
  const json& containers = model::member_or_null(pod_spec, "containers");
  if (!containers.is_array()) return causes;
  for (std::size_t i = 0; i < containers.size(); ++i) {
    const json& context = model::member_or_null(containers[i], "securityContext");
    const std::string context_path = fe::child(fe::index(fe::child(path, "containers"), i), "securityContext");
    if (model::member_or_null(context, "privileged") == true)
      causes.push_back(fe::forbidden(fe::child(context_path, "privileged"), "privileged containers are " + why));
    const json& added = model::member_or_null(model::member_or_null(context, "capabilities"), "add");
    if (!added.is_array()) continue;
    for (std::size_t k = 0; k < added.size(); ++k)
      if (added[k].is_string() && !is_baseline_capability(added[k].get<std::string>()))
        causes.push_back(fe::forbidden(fe::index(fe::child(fe::child(context_path, "capabilities"), "add"), k),
                                       "capability " + added[k].get<std::string>() +
                                           " is beyond Kubernetes' baseline and " + why));
  }
  return causes;
}

std::vector<model::status_cause> admission_causes(const model::kind_strategy& strategy, const nlohmann::json& object,
                                                const admission_limits& limits) {
  auto causes = strategy.holds_cluster_ip ? service_port_causes(object, limits) : std::vector<model::status_cause>{};
  if (strategy.host_path_source) {
    const std::string folder = model::string_member(model::member_or_null(model::member_or_null(object, "spec"), "hostPath"), "path");
    auto allowed = limits.host_path_allowed;
    if (!limits.provisioned_volumes_dir.empty()) allowed.push_back(limits.provisioned_volumes_dir);
    if (!folder.empty() && !is_under(folder, allowed))
      causes.push_back(fe::forbidden("spec.hostPath.path", folder + " is not under a folder in security.hostPathAllowed "
                                                                    "of orkest's configuration (hostPath volumes reach "
                                                                    "the host's files)"));
  }
  if (strategy.has_scale) model::field_error::append(causes, replica_causes(object, limits));
  if (strategy.bound_to_node) model::field_error::append(causes, privilege_causes(model::member_or_null(object, "spec"), "spec", limits));
  if (strategy.has_pod_template)
    model::field_error::append(causes, privilege_causes(model::member_or_null(model::member_or_null(model::member_or_null(object, "spec"), "template"), "spec"), "spec.template.spec", limits));
  return causes;
}

}  // namespace orkest::store
