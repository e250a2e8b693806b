#include "control/node_registration.hpp"

#include "model/json_access.hpp"
#include "model/timestamp.hpp"

namespace orkest::control {

using nlohmann::json;
using model::member_or_null;
using model::string_member;

namespace {

struct condition_text {
  const char* type;
  const char* status;
  const char* reason;
  const char* message;
};

// What a healthy kubelet reports (orkest measures no pressure: it never evicts).
const condition_text healthy[] = {
    {"MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
    {"DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
    {"PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
    {"Ready", "True", "KubeletReady", "kubelet is posting ready status"},
};

json resources(const node_description& node) {
  return {{"cpu", std::to_string(node.cpu_cores)},
          {"memory", std::to_string(node.memory_bytes / 1024) + "Ki"},
          {"pods", std::to_string(node.max_pods)}};
}

json previous_condition(const json& previous, const std::string& type) {
  const json& conditions = member_or_null(previous, "conditions");
  if (conditions.is_array())
    for (const auto& condition : conditions)
      if (string_member(condition, "type") == type) return condition;
  return nullptr;
}

}  // namespace

json node_status(const node_description& node, const json& previous, std::chrono::system_clock::time_point now) {
  const auto stamp = model::rfc3339(now);
  json conditions = json::array();
  for (const auto& text : healthy) {
    const json before = previous_condition(previous, text.type);
    const bool unchanged = string_member(before, "status") == text.status;
    conditions.push_back({{"type", text.type},
                          {"status", text.status},
                          {"lastHeartbeatTime", stamp},
                          {"lastTransitionTime", unchanged ? string_member(before, "lastTransitionTime") : stamp},
                          {"reason", text.reason},
                          {"message", text.message}});
  }
  json addresses = json::array();
  if (!node.internal_ip.empty()) addresses.push_back({{"type", "InternalIP"}, {"address", node.internal_ip}});
  addresses.push_back({{"type", "Hostname"}, {"address", node.hostname.empty() ? node.name : node.hostname}});
  return {{"capacity", resources(node)},
          {"allocatable", resources(node)},
          {"conditions", conditions},
          {"addresses", addresses},
          {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", node.kubelet_port}}}}},
          {"nodeInfo",
           {{"machineID", node.machine_id},
            {"systemUUID", node.machine_id},
            {"bootID", node.boot_id},
            {"kernelVersion", node.kernel_version},
            {"osImage", node.os_image},
            {"containerRuntimeVersion", node.container_runtime_version},
            {"kubeletVersion", node.kubelet_version},
            {"kubeProxyVersion", node.kubelet_version},
            {"operatingSystem", "linux"},
            {"architecture", node.architecture}}}};
}

json node_object(const node_description& node, std::chrono::system_clock::time_point now) {
  // As k3s: the hostname label is the node's name (several nodes may share one host).
  json labels = {{"kubernetes.io/hostname", node.name},
                 {"kubernetes.io/os", "linux"},
                 {"kubernetes.io/arch", node.architecture},
                 {"beta.kubernetes.io/os", "linux"},
                 {"beta.kubernetes.io/arch", node.architecture}};
  for (const auto& [key, value] : node.labels) labels[key] = value;
  json spec = json::object();
  if (!node.pod_cidr.empty()) spec = {{"podCIDR", node.pod_cidr}, {"podCIDRs", json::array({node.pod_cidr})}};
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata", {{"name", node.name}, {"labels", labels}}},
          {"spec", spec},
          {"status", node_status(node, nullptr, now)}};
}

json node_lease(const std::string& node_name, std::chrono::seconds duration, std::chrono::system_clock::time_point now) {
  return {{"apiVersion", "coordination.k8s.io/v1"},
          {"kind", "Lease"},
          {"metadata", {{"name", node_name}, {"namespace", node_lease_namespace}}},
          {"spec",
           {{"holderIdentity", node_name},
            {"leaseDurationSeconds", duration.count()},
            {"renewTime", model::rfc3339_micros(now)}}}};
}

}  // namespace orkest::control
