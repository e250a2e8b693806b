// Endpoints (core/v1): the addresses behind a Service, written by the Service controller.

#include "model/kinds/building_blocks.hpp"

namespace orkest::model::kinds {
namespace {

void default_endpoints(json& object) {
  for_each_item(object, "subsets", [](json& subset) { default_ports(subset); });
}

void validate_endpoints(field_causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  reader endpoints(found, object, "");
  for_each_object(found, endpoints.array("subsets"), endpoints.path("subsets"), [&](reader& subset, std::size_t) {
    auto address_check = [&](reader& address, std::size_t) { address.required_string("ip"); };
    for_each_object(found, subset.array("addresses"), subset.path("addresses"), address_check);
    for_each_object(found, subset.array("notReadyAddresses"), subset.path("notReadyAddresses"), address_check);
    for_each_object(found, subset.array("ports"), subset.path("ports"), [&](reader& port, std::size_t) {
      if (auto name = port.string("name"); name && !name->empty())
        fe::add_invalid(found, port.path("name"), *name, name_rules::dns1123_label(*name));
      if (auto number = port.integer("port"))
        add_port_number_errors(found, port.path("port"), *number);
      else if (!port.present("port"))
        found.push_back(fe::required(port.path("port")));
      port.required_one_of("protocol", {"SCTP", "TCP", "UDP"});
    });
  });
}

const json& endpoints_schema() {
  static const json schema = [] {
    json known = top_level(nullptr);
    known["subsets"] = any();
    return known;
  }();
  return schema;
}

// ---- printEndpoints ----

json endpoints_columns() {
  return json::array({
      column("Name", "string", name_description, 0, "name"),
      column("Endpoints", "string", "Endpoints of the service"),
      column("Age", "string", age_description),
  });
}

std::string host_port(const std::string& ip, int64_t port) {
  bool v6 = ip.find(':') != std::string::npos;
  return (v6 ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

// formatEndpoints: at most three addresses, then "+ N more...".
std::string endpoints_text(const json& endpoints) {
  const auto& subsets = member_or_null(endpoints, "subsets");
  if (!subsets.is_array() || subsets.empty()) return "<none>";
  constexpr std::size_t max = 3;
  std::vector<std::string> list;
  bool more = false;
  std::size_t count = 0;
  for (const auto& subset : subsets) {
    const auto& addresses = member_or_null(subset, "addresses");
    const auto& ports = member_or_null(subset, "ports");
    std::size_t address_count = addresses.is_array() ? addresses.size() : 0;
    if (!ports.is_array() || ports.empty()) {
      count += address_count;
      for (std::size_t i = 0; i < address_count; ++i) {
        if (list.size() == max) {
          more = true;
          break;
        }
        list.push_back(string_member(addresses[i], "ip"));
      }
      continue;
    }
    for (const auto& port : ports) {
      count += address_count;
      for (std::size_t i = 0; i < address_count; ++i) {
        if (list.size() == max) {
          more = true;
          break;
        }
        list.push_back(host_port(string_member(addresses[i], "ip"), integer(port, "port")));
      }
    }
  }
  auto joined = join(list, ",");
  if (more) return joined + " + " + std::to_string(count - max) + " more...";
  return or_none(joined);
}

json endpoints_cells(const json& endpoints, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(endpoints, "metadata");
  return json::array(
      {string_member(metadata, "name"), endpoints_text(endpoints), age_of(string_member(metadata, "creationTimestamp"), now)});
}

}  // namespace

kind_strategy endpoints() {
  kind_strategy strategy;
  strategy.names = {"Endpoints", "EndpointsList", "endpoints", "endpoints", "", "v1", {"ep"}, true};
  strategy.has_status = false;
  strategy.apply_defaults = default_endpoints;
  strategy.validate = validate_endpoints;
  strategy.schema = endpoints_schema;
  strategy.table_columns = endpoints_columns;
  strategy.table_cells = endpoints_cells;
  return strategy;
}

}  // namespace orkest::model::kinds
