#include "control/load_balancer_status.hpp"

#include <set>
#include <string>

#include "model/json_access.hpp"
#include "control/ip_allocator.hpp"

namespace orkest::control {

namespace {

bool ready(const nlohmann::json& node) {
  for (const auto& condition : model::array_member(model::member_or_null(node, "status"), "conditions"))
    if (model::string_member(condition, "type") == "Ready") return model::string_member(condition, "status") == "True";
  return false;
}

// The nodes with at least one ready address of the Endpoints.
std::set<std::string> nodes_with_ready_pods(const nlohmann::json& endpoints) {
  std::set<std::string> names;
  for (const auto& subset : model::array_member(endpoints, "subsets"))
    for (const auto& address : model::array_member(subset, "addresses")) names.insert(model::string_member(address, "nodeName"));
  return names;
}

}  // namespace

nlohmann::json load_balancer_status(const nlohmann::json& service, const std::vector<nlohmann::json>& nodes,
                                    const nlohmann::json& endpoints) {
  nlohmann::json status = nlohmann::json::object();
  const auto& spec = model::member_or_null(service, "spec");
  if (model::string_member(spec, "type") != "LoadBalancer") return status;
  const bool local = model::string_member(spec, "externalTrafficPolicy") == "Local";
  const auto with_pods = nodes_with_ready_pods(endpoints);
  std::set<uint32_t> addresses;  // in address order
  for (const auto& node : nodes) {
    if (!ready(node)) continue;
    if (local && !with_pods.count(model::string_member(model::member_or_null(node, "metadata"), "name"))) continue;
    for (const auto& address : model::array_member(model::member_or_null(node, "status"), "addresses"))
      if (model::string_member(address, "type") == "InternalIP")
        if (auto ip = parse_ipv4(model::string_member(address, "address"))) addresses.insert(*ip);
  }
  if (addresses.empty()) return status;
  status["ingress"] = nlohmann::json::array();
  for (uint32_t address : addresses) status["ingress"].push_back({{"ip", format_ipv4(address)}, {"ipMode", "VIP"}});
  return status;
}

}  // namespace orkest::control
