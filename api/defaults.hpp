#pragma once
// Kubernetes' defaults for the fields orkest uses, applied after shorthand expansion and before
// validation.

#include <nlohmann/json.hpp>

#include "api/resource_kind.hpp"

namespace orkest::api {

// Pod: spec.restartPolicy Always, terminationGracePeriodSeconds 30, dnsPolicy ClusterFirst,
//      containers[].imagePullPolicy (Always for :latest or no tag, else IfNotPresent),
//      terminationMessagePath/Policy, ports[].protocol TCP.
// ReplicaSet: spec.replicas 1, the template's pod spec defaulted as a Pod's.
// Service: spec.type ClusterIP, ports[].protocol TCP, ports[].targetPort = port,
//          sessionAffinity None.
// Also sets apiVersion and kind when absent.
void apply_defaults(const resource_kind& kind, nlohmann::json& object);

}  // namespace orkest::api
