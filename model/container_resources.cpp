#include "model/container_resources.hpp"

#include "model/json_access.hpp"

namespace orkest::model {

using nlohmann::json;

std::optional<quantity> quantity_of(const json& value) {
  if (value.is_string()) return quantity::parse(value.get<std::string>());
  if (value.is_number()) return quantity::parse_number(value.get<double>());
  return std::nullopt;
}

namespace {

std::optional<quantity> resource(const json& container, const char* kind, const char* name) {
  const json& value = member_or_null(member_or_null(member_or_null(container, "resources"), kind), name);
  return quantity_of(value);
}

}  // namespace

container_resources resources_of(const json& container) {
  return {resource(container, "limits", "cpu"), resource(container, "limits", "memory"),
          resource(container, "requests", "cpu"), resource(container, "requests", "memory")};
}

std::string qos_class(const json& pod_spec) {
  bool any = false, guaranteed = true;
  for (const char* list : {"initContainers", "containers"}) {
    const json& containers = member_or_null(pod_spec, list);
    if (!containers.is_array()) continue;
    for (const auto& container : containers) {
      const auto r = resources_of(container);
      any = any || r.cpu_limit || r.memory_limit || r.cpu_request || r.memory_request;
      guaranteed = guaranteed && r.cpu_limit && r.memory_limit && (!r.cpu_request || *r.cpu_request == *r.cpu_limit) &&
                   (!r.memory_request || *r.memory_request == *r.memory_limit);
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

}  // namespace orkest::model
