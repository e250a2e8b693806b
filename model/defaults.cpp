#include "model/defaults.hpp"

#include "model/defaulting.hpp"
#include "model/kind_strategy.hpp"

namespace orkest::model {

void apply_defaults(const resource_kind& kind, nlohmann::json& object) {
  if (!object.is_object()) return;
  defaulting::set_default(object, "apiVersion", kind.api_version());
  defaulting::set_default(object, "kind", kind.kind);
  if (auto apply = strategy_for(kind).apply_defaults) apply(object);
}

}  // namespace orkest::model
