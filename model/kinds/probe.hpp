#pragma once
// A container's livenessProbe, readinessProbe and startupProbe: Kubernetes' defaults and
// validation, and the fields a probe knows. Part of the pod spec (pod_template.cpp).

#include <nlohmann/json.hpp>
#include <optional>

#include "model/validation_rules.hpp"

namespace orkest::model::kinds {

// timeoutSeconds 1, periodSeconds 10, successThreshold 1, failureThreshold 3; httpGet path "/"
// and scheme HTTP, as Kubernetes' SetDefaults_Probe and SetDefaults_HTTPGetAction.
void default_probes(nlohmann::json& container);

// Exactly one handler (httpGet, tcpSocket, exec); ports by number or by a container port's name;
// non-negative delays, positive period, timeout and thresholds; successThreshold 1 for liveness
// and startup; terminationGracePeriodSeconds positive and never on a readiness probe. What
// orkest does not do (grpc, scheme HTTPS, a `host` other than the pod) is refused.
void validate_probes(field_causes& found, reader& container, const nlohmann::json& container_object);

// The port a probe's `port` means: a number, or the name of one of the container's ports.
std::optional<int> resolve_probe_port(const nlohmann::json& port, const nlohmann::json& container);

// The known fields of one probe, for the pod spec's schema.
nlohmann::json probe_schema();

}  // namespace orkest::model::kinds
