#include "control/service_endpoints.hpp"

#include <algorithm>
#include <map>

#include "control/pod_facts.hpp"
#include "model/json_access.hpp"
#include "model/label_selector.hpp"

namespace orkest::control {

using nlohmann::json;

std::vector<json> selected_pods(const json& service, const std::vector<json>& pods) {
  auto selector = model::value_at(service, "/spec/selector"_json_pointer, json());
  if (!selector.is_object() || selector.empty()) return {};
  auto match = model::label_selector::from_map(selector.get<model::labels>());
  std::vector<json> selected;
  for (const auto& pod : pods)
    if (namespace_of(pod) == namespace_of(service) && !is_terminating(pod) && match.matches(model::labels_of(pod)))
      selected.push_back(pod);
  return selected;
}

int resolve_target_port(const json& service_port, const json& pod) {
  const auto target = service_port.value("targetPort", service_port.value("port", json(0)));
  if (target.is_number_integer()) return target.get<int>();
  if (!target.is_string()) return 0;
  for (const auto& container : model::value_at(pod, "/spec/containers"_json_pointer, json::array()))
    for (const auto& port : container.value("ports", json::array()))
      if (port.value("name", "") == target.get<std::string>()) return port.value("containerPort", 0);
  return 0;
}

namespace {
std::string pod_ip(const json& pod) { return model::value_at(pod, "/status/podIP"_json_pointer, std::string{}); }
}  // namespace

std::vector<service_port_backends> backends_from_endpoints(const json& service, const json& endpoints,
                                                           const pod_address_policy& addresses,
                                                           const std::string& node_name) {
  auto by_address = [](const auto& a, const auto& b) { return std::tie(a.host, a.port) < std::tie(b.host, b.port); };
  std::vector<service_port_backends> result;
  for (const auto& port : model::value_at(service, "/spec/ports"_json_pointer, json::array())) {
    service_port_backends entry{port.value("name", ""), port.value("port", 0), {}, {}};
    for (const auto& subset : model::array_member(endpoints, "subsets")) {
      int target = 0;
      for (const auto& endpoint_port : model::array_member(subset, "ports"))
        if (model::string_member(endpoint_port, "name") == entry.name &&
            model::string_member(endpoint_port, "protocol") != "UDP" && model::string_member(endpoint_port, "protocol") != "SCTP") {
          const json& number = model::member_or_null(endpoint_port, "port");
          target = number.is_number_integer() && number.get<int64_t>() > 0 && number.get<int64_t>() <= 65535
                       ? static_cast<int>(number.get<int64_t>())
                       : 0;
        }
      if (target == 0) continue;
      for (const auto& address : model::array_member(subset, "addresses")) {
        const auto ip = model::string_member(address, "ip");
        if (!addresses.allows(ip)) continue;
        const netproxy::backend backend{ip, static_cast<uint16_t>(target)};
        entry.backends.push_back(backend);
        if (!node_name.empty() && model::string_member(address, "nodeName") == node_name) entry.local_backends.push_back(backend);
      }
    }
    std::sort(entry.backends.begin(), entry.backends.end(), by_address);
    std::sort(entry.local_backends.begin(), entry.local_backends.end(), by_address);
    result.push_back(std::move(entry));
  }
  return result;
}

json endpoints_for(const json& service, const std::vector<json>& pods, const pod_address_policy& addresses) {
  // Pods whose named ports resolve alike share a subset, as Kubernetes groups them.
  std::map<json, json> subsets;  // ports -> subset
  // Pods that must be reachable before they are ready (a StatefulSet's peers finding each other):
  // every pod with an address counts as ready.
  const bool publish_not_ready = model::value_at(service, "/spec/publishNotReadyAddresses"_json_pointer, false);
  for (const auto& pod : selected_pods(service, pods)) {
    if (!addresses.allows(pod_ip(pod))) continue;
    json ports = json::array();
    for (const auto& port : model::value_at(service, "/spec/ports"_json_pointer, json::array())) {
      int target = resolve_target_port(port, pod);
      if (target <= 0) continue;
      json entry = {{"port", target}, {"protocol", port.value("protocol", "TCP")}};
      if (port.contains("name")) entry["name"] = port["name"];
      ports.push_back(entry);
    }
    json address = {{"ip", pod_ip(pod)},
                    {"nodeName", model::value_at(pod, "/spec/nodeName"_json_pointer, std::string{})},
                    {"targetRef",
                     {{"kind", "Pod"}, {"namespace", namespace_of(pod)}, {"name", name_of(pod)}, {"uid", uid_of(pod)}}}};
    auto& subset = subsets[ports];
    if (subset.is_null()) subset = {{"ports", ports}};
    subset[publish_not_ready || is_ready(pod) ? "addresses" : "notReadyAddresses"].push_back(address);
  }
  json list = json::array();
  for (auto& [ports, subset] : subsets) {
    for (const char* field : {"addresses", "notReadyAddresses"})
      if (subset.contains(field))
        std::sort(subset[field].begin(), subset[field].end(),
                  [](const json& a, const json& b) { return a["ip"] < b["ip"]; });
    list.push_back(subset);
  }
  json metadata = {{"name", name_of(service)}, {"namespace", namespace_of(service)}};
  if (auto labels = model::value_at(service, "/metadata/labels"_json_pointer, json()); labels.is_object()) metadata["labels"] = labels;
  return {{"apiVersion", "v1"}, {"kind", "Endpoints"}, {"metadata", metadata}, {"subsets", list}};
}

}  // namespace orkest::control
