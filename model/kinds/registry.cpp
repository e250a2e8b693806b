#include "model/kinds/kinds.hpp"

namespace orkest::model {

const std::vector<kind_strategy>& all_strategies() {
  static const std::vector<kind_strategy> strategies = {kinds::pod(), kinds::replica_set(), kinds::deployment(), kinds::service(),
                                                        kinds::endpoints(), kinds::event(),
                                                        kinds::config_map(), kinds::secret(),
                                                        kinds::persistent_volume(), kinds::persistent_volume_claim(),
                                                        kinds::storage_class(), kinds::namespace_kind(), kinds::node(),
                                                        kinds::lease()};
  return strategies;
}

const kind_strategy& strategy_for(const resource_kind& kind) {
  for (const auto& strategy : all_strategies())
    if (strategy.names.kind == kind.kind) return strategy;
  static const kind_strategy does_nothing{};
  return does_nothing;
}

}  // namespace orkest::model
