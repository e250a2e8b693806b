#include "api/endpoint_slices.hpp"

#include <algorithm>

#include "model/json_access.hpp"
#include "model/label_selector.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

using nlohmann::json;

namespace {

void add_endpoints(json& out, const json& addresses, bool ready) {
  if (!addresses.is_array()) return;
  for (const auto& address : addresses) {
    json endpoint = {{"addresses", json::array({member_or_null(address, "ip")})},
                     {"conditions", {{"ready", ready}, {"serving", ready}, {"terminating", false}}}};
    if (member_or_null(address, "targetRef").is_object()) endpoint["targetRef"] = member_or_null(address, "targetRef");
    if (member_or_null(address, "nodeName").is_string()) endpoint["nodeName"] = member_or_null(address, "nodeName");
    if (member_or_null(address, "hostname").is_string()) endpoint["hostname"] = member_or_null(address, "hostname");
    out.push_back(std::move(endpoint));
  }
}

}  // namespace

json endpoint_slice_of(const json& endpoints) {
  const auto& metadata = member_or_null(endpoints, "metadata");
  auto name = member_or_null(metadata, "name").is_string() ? member_or_null(metadata, "name").get<std::string>() : std::string();
  json slice_metadata = {{"name", name},
                         {"labels", {{"kubernetes.io/service-name", name},
                                     {"endpointslice.kubernetes.io/managed-by", "orkest"}}}};
  for (const char* field : {"namespace", "uid", "resourceVersion", "creationTimestamp"})
    if (member_or_null(metadata, field).is_string()) slice_metadata[field] = member_or_null(metadata, field);
  json out_endpoints = json::array();
  json ports = json::array();
  const auto& subsets = member_or_null(endpoints, "subsets");
  if (subsets.is_array())
    for (const auto& subset : subsets) {
      add_endpoints(out_endpoints, member_or_null(subset, "addresses"), true);
      add_endpoints(out_endpoints, member_or_null(subset, "notReadyAddresses"), false);
      const auto& subset_ports = member_or_null(subset, "ports");
      if (subset_ports.is_array())
        for (const auto& port : subset_ports) {
          json slice_port = {{"name", member_or_null(port, "name").is_string() ? member_or_null(port, "name") : json("")},
                             {"port", member_or_null(port, "port")},
                             {"protocol", member_or_null(port, "protocol").is_string() ? member_or_null(port, "protocol") : json("TCP")}};
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
  const auto& list = member_or_null(endpoints_list, "items");
  if (list.is_array())
    for (const auto& endpoints : list) {
      auto slice = endpoint_slice_of(endpoints);
      if (selector->matches(labels_of(slice))) items.push_back(std::move(slice));
    }
  json metadata = json::object();
  if (member_or_null(member_or_null(endpoints_list, "metadata"), "resourceVersion").is_string())
    metadata["resourceVersion"] = member_or_null(member_or_null(endpoints_list, "metadata"), "resourceVersion");
  return {{"kind", "EndpointSliceList"}, {"apiVersion", "discovery.k8s.io/v1"}, {"metadata", metadata}, {"items", items}};
}

}  // namespace orkest::api
