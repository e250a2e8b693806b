#pragma once
// Kubernetes' strategic merge patch for the fields orkest's kinds have: like a JSON merge
// patch, except that lists of objects with a merge key (containers and env by name,
// container ports by containerPort, Service ports by port, ownerReferences by uid) are merged
// item by item instead of replaced, and `$patch: delete` / `$patch: replace` directives work.
// This is what `kubectl apply` sends.

#include <nlohmann/json.hpp>

namespace orkest::model {

nlohmann::json strategic_merge(const nlohmann::json& original, const nlohmann::json& patch);

}  // namespace orkest::model
