#include "control/load_balancer_status.hpp"

#include <set>
#include <string>

#include "api/json_access.hpp"
#include "control/ip_allocator.hpp"

namespace orkest::control {

namespace {

bool ready(const nlohmann::json& node) {
  for (const auto& condition : api::array_member(api::member_or_null(node, "status"), "conditions"))
    if (api::string_member(condition, "type") == "Ready") return api::string_member(condition, "status") == "True";
  return false;
}

}  // namespace

nlohmann::json load_balancer_status(const nlohmann::json& service, const std::vector<nlohmann::json>& nodes) {
  nlohmann::json status = nlohmann::json::object();
  if (api::string_member(api::member_or_null(service, "spec"), "type") != "LoadBalancer") return status;
  std::set<uint32_t> addresses;  // in address order
  for (const auto& node : nodes) {
    if (!ready(node)) continue;
    for (const auto& address : api::array_member(api::member_or_null(node, "status"), "addresses"))
      if (api::string_member(address, "type") == "InternalIP")
        if (auto ip = parse_ipv4(api::string_member(address, "address"))) addresses.insert(*ip);
  }
  if (addresses.empty()) return status;
  status["ingress"] = nlohmann::json::array();
  for (uint32_t address : addresses) status["ingress"].push_back({{"ip", format_ipv4(address)}, {"ipMode", "VIP"}});
  return status;
}

}  // namespace orkest::control
