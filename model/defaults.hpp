#pragma once
// Kubernetes' defaults for the fields orkest uses, applied after shorthand expansion and before
// validation.

#include <nlohmann/json.hpp>

#include "model/resource_kind.hpp"

namespace orkest::model {

// apiVersion and kind when absent, then the kind's own (model/kinds/<kind>.cpp: apply_defaults).
void apply_defaults(const resource_kind& kind, nlohmann::json& object);

}  // namespace orkest::model
