#include "model/resource_kind.hpp"

#include "model/kind_strategy.hpp"

namespace orkest::model {

const std::vector<resource_kind>& all_kinds() {
  static const std::vector<resource_kind> kinds = [] {
    std::vector<resource_kind> names;
    for (const auto& strategy : all_strategies()) names.push_back(strategy.names);
    return names;
  }();
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

}  // namespace orkest::model
