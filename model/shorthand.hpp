#pragma once
// The user's shorthand shapes (see docs/api.md), rewritten into Kubernetes' canonical shapes
// before defaulting and validation. Canonical input passes through unchanged.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/resource_kind.hpp"

namespace orkest::model {

// Rewrites the kind's shorthand shapes in place (model/kinds/<kind>.cpp: expand_shorthands):
// env given as a map, a ReplicaSet's flat selector and template labels, the selector's labels
// added to the template. Leaves anything it does not recognise alone (validation reports it).
void expand_shorthands(const resource_kind& kind, nlohmann::json& object);

// True for the fields of Kubernetes' ObjectMeta (name, labels, annotations, ...).
bool is_object_meta_field(const std::string& name);

}  // namespace orkest::model
