#include "api/field_validation.hpp"

#include "model/field_schema.hpp"
#include "model/forgiven_shapes.hpp"
#include "model/kind_strategy.hpp"
#include "model/shorthand.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

using nlohmann::json;

namespace {

const json& schema_for(const resource_kind& kind) {
  if (auto schema = strategy_for(kind).schema) return schema();
  return field_schema::any();
}

// Patch directives ($patch, $setElementOrder/..., $retainKeys, $deleteFromPrimitiveList/...).
bool is_directive(const std::string& key) { return !key.empty() && key[0] == '$'; }

void walk(const json& schema, const json& value, const std::string& path, std::vector<std::string>& unknown) {
  if (schema.is_string()) return;  // anything goes
  if (schema.is_array()) {
    if (!value.is_array()) return;  // a type error is validation's business
    for (std::size_t i = 0; i < value.size(); ++i)
      walk(schema[0], value[i], path + "[" + std::to_string(i) + "]", unknown);
    return;
  }
  if (!value.is_object()) return;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (is_directive(it.key())) continue;
    auto known = schema.find(it.key());
    std::string field = path.empty() ? it.key() : path + "." + it.key();
    if (known == schema.end()) unknown.push_back(field);
    else walk(*known, *it, field, unknown);
  }
}

}  // namespace

std::variant<field_validation, api_error> parse_field_validation(const std::string& value) {
  if (value.empty() || value == "Warn") return field_validation::warn;
  if (value == "Strict") return field_validation::strict;
  if (value == "Ignore") return field_validation::ignore;
  return bad_request("fieldValidation: unsupported value \"" + value + "\": use Ignore, Warn or Strict");
}

std::vector<std::string> unknown_fields(const resource_kind& kind, const json& body) {
  std::vector<std::string> unknown;
  if (!body.is_object()) return unknown;
  json expanded = body;
  forgive_shapes(kind, "", expanded);
  expand_shorthands(kind, expanded);
  walk(schema_for(kind), expanded, "", unknown);
  return unknown;
}

std::variant<std::vector<std::string>, api_error> field_validation_outcome(const resource_kind& kind,
                                                                           field_validation mode,
                                                                           const std::vector<std::string>& unknown) {
  std::vector<std::string> warnings;
  if (mode == field_validation::ignore || unknown.empty()) return warnings;
  if (mode == field_validation::warn) {
    for (const auto& field : unknown) warnings.push_back("unknown field \"" + field + "\"");
    return warnings;
  }
  std::string message = kind.kind + " in version \"" + kind.version + "\" cannot be handled as a " + kind.kind +
                        ": strict decoding error: ";
  for (std::size_t i = 0; i < unknown.size(); ++i)
    message += (i ? ", " : "") + std::string("unknown field \"") + unknown[i] + "\"";
  return bad_request(message);
}

}  // namespace orkest::api
