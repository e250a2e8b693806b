#pragma once
// The user's shorthand shapes (see docs/api.md), rewritten into Kubernetes' canonical shapes
// before defaulting and validation. Canonical input passes through unchanged.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/resource_kind.hpp"

namespace orkest::api {

// Rewrites, in place:
// - ReplicaSet spec.selector given as a flat label map -> {matchLabels: map};
// - ReplicaSet spec.template.metadata holding labels directly (no labels/name/annotations/...
//   keys, only string values) -> {labels: map};
// - env given as a map {"K": "V"} -> [{name: K, value: V}] in every container
//   (Pod spec.containers and ReplicaSet spec.template.spec.containers);
// - ReplicaSet whose template labels lack the selector's matchLabels: those labels are added to
//   the template, so the pods carry both and the ReplicaSet counts its own pods.
// Leaves anything it does not recognise alone (validation reports it).
void expand_shorthands(const resource_kind& kind, nlohmann::json& object);

// True for the fields of Kubernetes' ObjectMeta (name, labels, annotations, ...).
bool is_object_meta_field(const std::string& name);

}  // namespace orkest::api
