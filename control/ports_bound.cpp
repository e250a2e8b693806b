#include "control/ports_bound.hpp"

#include "model/json_access.hpp"

namespace orkest::control {

namespace {
constexpr const char* suffix = "/PortsBound";
}  // namespace

std::string ports_bound_type(const std::string& node_name) {
  return node_name.empty() ? std::string(suffix + 1) : node_name + suffix;
}

std::vector<std::string> ports_bound_types_of(const nlohmann::json& service, const std::set<std::string>& nodes) {
  std::vector<std::string> found;
  const std::string tail = suffix;
  for (const auto& condition : model::array_member(model::member_or_null(service, "status"), "conditions")) {
    const auto type = model::string_member(condition, "type");
    if (type.size() <= tail.size() || type.compare(type.size() - tail.size(), tail.size(), tail) != 0) continue;
    if (nodes.count(type.substr(0, type.size() - tail.size()))) found.push_back(type);
  }
  return found;
}

}  // namespace orkest::control
