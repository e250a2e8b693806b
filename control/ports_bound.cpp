#include "control/ports_bound.hpp"

#include "model/json_access.hpp"
#include "model/timestamp.hpp"

namespace orkest::control {

namespace {
constexpr const char* suffix = "/PortsBound";
}  // namespace

std::string ports_bound_type(const std::string& node_name) {
  return node_name.empty() ? std::string(suffix + 1) : node_name + suffix;
}

// Calls found(type, node, condition) for each "<node>/PortsBound" condition of the Service.
template <class Found>
void each_ports_bound(const nlohmann::json& service, Found found) {
  const std::string tail = suffix;
  for (const auto& condition : model::array_member(model::member_or_null(service, "status"), "conditions")) {
    const auto type = model::string_member(condition, "type");
    if (type.size() <= tail.size() || type.compare(type.size() - tail.size(), tail.size(), tail) != 0) continue;
    found(type, type.substr(0, type.size() - tail.size()), condition);
  }
}

std::vector<std::string> ports_bound_types_of(const nlohmann::json& service, const std::set<std::string>& nodes) {
  std::vector<std::string> found;
  each_ports_bound(service, [&](const std::string& type, const std::string& node, const nlohmann::json&) {
    if (nodes.count(node)) found.push_back(type);
  });
  return found;
}

std::vector<std::string> orphaned_ports_bound_types(const nlohmann::json& service, const std::set<std::string>& known_nodes,
                                                    std::chrono::system_clock::time_point now,
                                                    std::chrono::seconds grace) {
  std::vector<std::string> found;
  each_ports_bound(service, [&](const std::string& type, const std::string& node, const nlohmann::json& condition) {
    if (known_nodes.count(node)) return;
    const auto changed = model::parse_rfc3339(model::string_member(condition, "lastTransitionTime"));
    if (!changed || *changed + grace < now) found.push_back(type);
  });
  return found;
}

}  // namespace orkest::control
