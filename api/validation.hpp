#pragma once
// Validation as Kubernetes does it where it matters. Pure: an object in, the list of bad fields
// out (empty means valid). Runs after shorthand expansion and defaulting.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/api_error.hpp"
#include "api/resource_kind.hpp"

namespace orkest::api {

// metadata: name (or generateName) a DNS-1123 subdomain (Pod, ReplicaSet) or label (Service),
// at most 253 / 63 characters; namespace a DNS-1123 label; labels: keys as qualified names
// (optional DNS prefix + "/" + name of at most 63 chars), values at most 63 chars of
// [A-Za-z0-9-_.] starting and ending alphanumeric; annotations keys likewise.
// Pod: exactly one container; containers[0].name (DNS-1123 label) and .image required;
// ports 1..65535; env names valid; restartPolicy Always|OnFailure|Never;
// imagePullPolicy Always|IfNotPresent|Never.
// ReplicaSet: replicas >= 0; selector required and non-empty; template labels must match the
// selector; template's pod spec valid (fields prefixed spec.template.spec...).
// Service: ports non-empty, each port 1..65535, targetPort 1..65535 or an IANA_SVC_NAME, protocol
// TCP (UDP/SCTP: NotSupported), type ClusterIP (others NotSupported), port names unique.
// Wrong JSON types anywhere are FieldValueTypeInvalid causes, never exceptions.
std::vector<status_cause> validate(const resource_kind& kind, const nlohmann::json& object);

// Pure name checks, reused by the router for URL segments.
bool is_dns1123_label(const std::string& value);      // [a-z0-9]([-a-z0-9]*[a-z0-9])?, <= 63
bool is_dns1123_subdomain(const std::string& value);  // labels joined by '.', <= 253

}  // namespace orkest::api
