#include "api/defaults.hpp"

#include "api/defaulting.hpp"
#include "api/kind_strategy.hpp"

namespace orkest::api {

void apply_defaults(const resource_kind& kind, nlohmann::json& object) {
  if (!object.is_object()) return;
  defaulting::set_default(object, "apiVersion", kind.api_version());
  defaulting::set_default(object, "kind", kind.kind);
  if (auto apply = strategy_for(kind).apply_defaults) apply(object);
}

}  // namespace orkest::api
