#include "api/resource_kind.hpp"

namespace orkest::api {

const std::vector<resource_kind>& all_kinds() {
  static const std::vector<resource_kind> kinds = {
      {"Pod", "PodList", "pods", "pod", "", "v1", {"po"}, true},
      {"ReplicaSet", "ReplicaSetList", "replicasets", "replicaset", "apps", "v1", {"rs"}, true},
      {"Service", "ServiceList", "services", "service", "", "v1", {"svc"}, true},
      {"Endpoints", "EndpointsList", "endpoints", "endpoints", "", "v1", {"ep"}, true},
  };
  return kinds;
}

const resource_kind* find_kind(std::string_view kind) {
  for (const auto& candidate : all_kinds())
    if (candidate.kind == kind) return &candidate;
  return nullptr;
}

const resource_kind* find_kind_by_plural(std::string_view group, std::string_view version, std::string_view plural) {
  for (const auto& candidate : all_kinds())
    if (candidate.group == group && candidate.version == version && candidate.plural == plural) return &candidate;
  return nullptr;
}

}  // namespace orkest::api
