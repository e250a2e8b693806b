#pragma once
// Builders for one bad field (a Status cause), worded exactly as Kubernetes' field.Error:
// the cause's message is the error body without the field ("Required value",
// `Invalid value: "x": why`), and `field: message` is how it reads inside a sentence.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/api_error.hpp"

namespace orkest::model::field_error {

status_cause required(std::string field, const std::string& detail = {});
status_cause invalid(std::string field, const nlohmann::json& value, const std::string& detail);
status_cause not_supported(std::string field, const nlohmann::json& value, const std::vector<std::string>& supported);
// A value of the wrong JSON type; `expected` names the type ("integer", "string", "object"...).
status_cause type_invalid(std::string field, const nlohmann::json& value, const std::string& expected);
status_cause forbidden(std::string field, const std::string& detail);
status_cause duplicate(std::string field, const nlohmann::json& value);
status_cause not_found(std::string field, const nlohmann::json& value);
status_cause too_long(std::string field, std::size_t max_bytes);
status_cause too_many(std::string field, std::size_t actual, std::size_t max_items);

// Moves `more` to the end of `to`.
void append(std::vector<status_cause>& to, std::vector<status_cause> more);
// One Invalid cause per explanation, as Kubernetes reports a value breaking a format.
void add_invalid(std::vector<status_cause>& to, const std::string& field, const nlohmann::json& value,
                 const std::vector<std::string>& explanations);

// Field paths as Kubernetes prints them: child("spec", "replicas") is "spec.replicas",
// index("spec.containers", 0) is "spec.containers[0]", key("metadata.labels", "app") is
// "metadata.labels[app]". An empty path is the root.
std::string child(const std::string& path, const std::string& name);
std::string index(const std::string& path, std::size_t position);
std::string key(const std::string& path, const std::string& name);

// "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
std::string to_string(const status_cause& cause);
// Several causes as one sentence, as Kubernetes' aggregate errors read: identical sentences
// count once, one reads bare, several are bracketed: "[a: Required value, b: ...]".
std::string to_string(const std::vector<status_cause>& causes);

}  // namespace orkest::model::field_error
