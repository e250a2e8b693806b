#include "control/pod_routes.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "model/json_access.hpp"
#include "control/ip_allocator.hpp"
#include "control/ipv4_cidr.hpp"
#include "control/pod_facts.hpp"

namespace orkest::control {

namespace {

std::string internal_ip_of(const nlohmann::json& node) {
  for (const auto& address : model::array_member(model::member_or_null(node, "status"), "addresses"))
    if (model::string_member(address, "type") == "InternalIP") return model::string_member(address, "address");
  return {};
}

std::optional<ipv4_cidr> pod_cidr_of(const nlohmann::json& node) {
  return parse_ipv4_cidr(model::string_member(model::member_or_null(node, "spec"), "podCIDR"));
}

}  // namespace

std::vector<pod_route> wanted_pod_routes(const std::string& self, const std::vector<nlohmann::json>& nodes) {
  std::map<std::string, const nlohmann::json*> by_name;  // the first by name keeps a contested block
  for (const auto& node : nodes) by_name[name_of(node)] = &node;
  std::vector<ipv4_cidr> taken;
  std::optional<uint32_t> own_address;
  if (auto found = by_name.find(self); found != by_name.end()) {
    if (auto own = pod_cidr_of(*found->second)) taken.push_back(*own);
    own_address = parse_ipv4(internal_ip_of(*found->second));
  }
  std::vector<pod_route> routes;
  for (const auto& [name, node] : by_name) {
    if (name == self) continue;
    auto cidr = pod_cidr_of(*node);
    auto gateway = parse_ipv4(internal_ip_of(*node));
    if (!cidr || !gateway || gateway == own_address || cidr->contains(*gateway)) continue;
    if (std::any_of(taken.begin(), taken.end(), [&](const ipv4_cidr& other) { return other.overlaps(*cidr); }))
      continue;
    taken.push_back(*cidr);
    routes.push_back({cidr->text(), format_ipv4(*gateway), name});
  }
  std::sort(routes.begin(), routes.end(),
            [](const pod_route& a, const pod_route& b) { return a.destination < b.destination; });
  return routes;
}

route_changes plan_route_changes(const std::vector<pod_route>& installed, const std::vector<pod_route>& wanted) {
  route_changes changes;
  for (const auto& route : wanted)
    if (std::find(installed.begin(), installed.end(), route) == installed.end()) changes.replace.push_back(route);
  for (const auto& route : installed) {
    bool still_wanted = std::any_of(wanted.begin(), wanted.end(),
                                    [&](const pod_route& w) { return w.destination == route.destination; });
    if (!still_wanted) changes.remove.push_back(route.destination);
  }
  return changes;
}

}  // namespace orkest::control
