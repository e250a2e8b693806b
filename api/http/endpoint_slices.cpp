#include "api/http/endpoint_slices.hpp"

#include <algorithm>

#include "api/label_selector.hpp"

namespace orkest::api::http {

using nlohmann::json;

namespace {

const json& member(const json& object, const char* key) {
  static const json null_value;
  if (!object.is_object()) return null_value;
  auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

void add_endpoints(json& out, const json& addresses, bool ready) {
  if (!addresses.is_array()) return;
  for (const auto& address : addresses) {
    json endpoint = {{"addresses", json::array({member(address, "ip")})},
                     {"conditions", {{"ready", ready}, {"serving", ready}, {"terminating", false}}}};
    if (member(address, "targetRef").is_object()) endpoint["targetRef"] = member(address, "targetRef");
    if (member(address, "nodeName").is_string()) endpoint["nodeName"] = member(address, "nodeName");
    if (member(address, "hostname").is_string()) endpoint["hostname"] = member(address, "hostname");
    out.push_back(std::move(endpoint));
  }
}

}  // namespace

json endpoint_slice_of(const json& endpoints) {
  const auto& metadata = member(endpoints, "metadata");
  auto name = member(metadata, "name").is_string() ? member(metadata, "name").get<std::string>() : std::string();
  json slice_metadata = {{"name", name},
                         {"labels", {{"kubernetes.io/service-name", name},
                                     {"endpointslice.kubernetes.io/managed-by", "orkest"}}}};
  for (const char* field : {"namespace", "uid", "resourceVersion", "creationTimestamp"})
    if (member(metadata, field).is_string()) slice_metadata[field] = member(metadata, field);
  json out_endpoints = json::array();
  json ports = json::array();
  const auto& subsets = member(endpoints, "subsets");
  if (subsets.is_array())
    for (const auto& subset : subsets) {
      add_endpoints(out_endpoints, member(subset, "addresses"), true);
      add_endpoints(out_endpoints, member(subset, "notReadyAddresses"), false);
      const auto& subset_ports = member(subset, "ports");
      if (subset_ports.is_array())
        for (const auto& port : subset_ports) {
          json slice_port = {{"name", member(port, "name").is_string() ? member(port, "name") : json("")},
                             {"port", member(port, "port")},
                             {"protocol", member(port, "protocol").is_string() ? member(port, "protocol") : json("TCP")}};
          if (std::find(ports.begin(), ports.end(), slice_port) == ports.end()) ports.push_back(slice_port);
        }
    }
  return {{"kind", "EndpointSlice"},
          {"apiVersion", "discovery.k8s.io/v1"},
          {"metadata", slice_metadata},
          {"addressType", "IPv4"},
          {"endpoints", out_endpoints},
          {"ports", ports}};
}

json endpoint_slice_list(const json& endpoints_list, const std::string& label_selector_text) {
  auto parsed = label_selector::parse(label_selector_text);
  auto* selector = std::get_if<label_selector>(&parsed);
  if (!selector) return nullptr;
  json items = json::array();
  const auto& list = member(endpoints_list, "items");
  if (list.is_array())
    for (const auto& endpoints : list) {
      auto slice = endpoint_slice_of(endpoints);
      if (selector->matches(labels_of(slice))) items.push_back(std::move(slice));
    }
  json metadata = json::object();
  if (member(member(endpoints_list, "metadata"), "resourceVersion").is_string())
    metadata["resourceVersion"] = member(member(endpoints_list, "metadata"), "resourceVersion");
  return {{"kind", "EndpointSliceList"}, {"apiVersion", "discovery.k8s.io/v1"}, {"metadata", metadata}, {"items", items}};
}

}  // namespace orkest::api::http
