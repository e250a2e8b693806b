#pragma once
// Kubernetes' securityContext, of a pod and of its container: what orkest honours through
// podman (users and groups, a read-only root, privilege escalation, capabilities, runAsNonRoot)
// validated as Kubernetes validates it; what it cannot honour refused, naming the field.

#include <nlohmann/json.hpp>

#include "model/validation_rules.hpp"

namespace orkest::model::kinds {

void validate_pod_security_context(field_causes& found, reader& pod_spec);
// `pod_security_context`: the pod's, whose runAsUser and runAsGroup the container inherits.
void validate_container_security_context(field_causes& found, reader& container,
                                         const nlohmann::json* pod_security_context);

const nlohmann::json& pod_security_context_schema();
const nlohmann::json& container_security_context_schema();

}  // namespace orkest::model::kinds
