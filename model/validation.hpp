#pragma once
// Validation as Kubernetes does it where it matters. Pure: an object in, the list of bad fields
// out (empty means valid). Runs after shorthand expansion and defaulting.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/api_error.hpp"
#include "model/resource_kind.hpp"

namespace orkest::model {

// The kind's own rules (model/kinds/<kind>.cpp: validate), after shorthand expansion and
// defaulting. Wrong JSON types anywhere are FieldValueTypeInvalid causes, never exceptions.
std::vector<status_cause> validate(const resource_kind& kind, const nlohmann::json& object);

// Pure name checks, reused by the router for URL segments.
bool is_dns1123_label(const std::string& value);      // [a-z0-9]([-a-z0-9]*[a-z0-9])?, <= 63
bool is_dns1123_subdomain(const std::string& value);  // labels joined by '.', <= 253

}  // namespace orkest::model
