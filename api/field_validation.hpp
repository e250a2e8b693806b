#pragma once
// Server-side field validation (?fieldValidation=Strict|Warn|Ignore, Kubernetes 1.27+): the
// fields of a body that Kubernetes' types do not have. kubectl sends Strict (orkest says it
// supports it in /openapi/v3), so a typo such as `imagee:` is refused as against Kubernetes
// instead of being dropped in silence; without the parameter unknown fields become Warning
// headers (Kubernetes' default, Warn). Pure.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/api_error.hpp"
#include "model/resource_kind.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

enum class field_validation { ignore, warn, strict };

// The query value ("", "Ignore", "Warn", "Strict"); 400 for anything else. "" is Warn.
std::variant<field_validation, api_error> parse_field_validation(const std::string& value);

// The unknown fields of an object (or of a merge / strategic merge patch of one) of `kind`,
// as Kubernetes names them: "spec.containers[0].imagee". orkest's shorthands (env as a map,
// labels directly in a template's metadata, a selector as a map) are known.
std::vector<std::string> unknown_fields(const resource_kind& kind, const nlohmann::json& body);

// What a write with `mode` does about `unknown`: a 400 (Strict), warnings (Warn) or nothing.
std::variant<std::vector<std::string>, api_error> field_validation_outcome(const resource_kind& kind,
                                                                           field_validation mode,
                                                                           const std::vector<std::string>& unknown);

}  // namespace orkest::api
