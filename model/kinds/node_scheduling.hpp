#pragma once
// What decides which node runs a pod, validated as Kubernetes validates it: a node's taints,
// and a pod's nodeName, nodeSelector, tolerations, node affinity and schedulerName. Pod
// (anti-)affinity and topology spread constraints are refused: the scheduler does not weigh them.

#include "model/validation_rules.hpp"

namespace orkest::model::kinds {

// spec.taints of a Node: key and effect required, unique by key and effect.
void validate_taints(field_causes& found, reader& node_spec);

// The scheduling fields of a pod spec.
void validate_pod_scheduling(field_causes& found, reader& pod_spec, const nlohmann::json& spec);

}  // namespace orkest::model::kinds
