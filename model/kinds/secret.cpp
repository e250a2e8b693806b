// Secret (core/v1): credentials as bytes (data, base64 in JSON; stringData is written as text
// and stored into data), for pods to read as environment variables (secretKeyRef, envFrom).

#include "model/base64.hpp"
#include "model/kinds/config_data.hpp"

namespace orkest::model::kinds {
namespace {

// As Kubernetes' secret strategy: stringData is merged into data (overriding it) and is
// never stored. Text that is not a string stays for validation to report.
void merge_string_data(json& secret) {
  json* text = object_member(secret, "stringData");
  if (!text) return;
  json& data = secret["data"];
  if (data.is_null()) data = json::object();
  if (!data.is_object()) return;
  for (const auto& [key, value] : text->items())
    if (value.is_string()) data[key] = base64_encode(value.get_ref<const std::string&>());
  for (auto it = text->begin(); it != text->end();)
    it = it->is_string() ? text->erase(it) : std::next(it);
  if (text->empty()) secret.erase("stringData");
}

void default_secret(json& secret) {
  merge_string_data(secret);
  set_default(secret, "type", "Opaque");
}

// The keys a built-in type needs in data.
void validate_secret_type(field_causes& found, const json& secret, const std::string& type) {
  const json& data = member_or_null(secret, "data");
  auto require = [&](const char* key) {
    if (!data.is_object() || !data.contains(key)) found.push_back(fe::required(fe::key("data", key)));
  };
  if (type == "kubernetes.io/tls") {
    require("tls.crt");
    require("tls.key");
  } else if (type == "kubernetes.io/ssh-auth") {
    require("ssh-privatekey");
  } else if (type == "kubernetes.io/dockerconfigjson") {
    require(".dockerconfigjson");
  } else if (type == "kubernetes.io/dockercfg") {
    require(".dockercfg");
  } else if (type == "kubernetes.io/service-account-token") {
    found.push_back(fe::forbidden("type", "orkest issues no service account tokens"));
  }
}

void validate_secret(field_causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  std::size_t total = 0;
  validate_config_entries(found, object, "data", true, total);
  validate_config_entries(found, object, "stringData", false, total);
  if (total > max_config_data_bytes) found.push_back(fe::too_long("data", max_config_data_bytes));
  reader fields(found, object, "");
  fields.boolean("immutable");
  if (auto type = fields.string("type")) validate_secret_type(found, object, *type);
}

std::vector<status_cause> validate_secret_update(const json& stored, const json& updated) {
  auto causes = immutable_when_set(stored, updated, {"data"});
  if (member_or_null(stored, "type") != member_or_null(updated, "type"))
    causes.push_back(fe::invalid("type", member_or_null(updated, "type"), "field is immutable"));
  return causes;
}

const json& secret_schema() {
  static const json schema = [] {
    json known = top_level(nullptr);
    known.erase("status");
    for (const char* field : {"data", "stringData", "type", "immutable"}) known[field] = any();
    return known;
  }();
  return schema;
}

json secret_columns() {
  return json::array({column("Name", "string", name_description, 0, "name"), column("Type", "string", ""),
                      column("Data", "string", ""), column("Age", "string", age_description)});
}

json secret_cells(const json& object, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(object, "metadata");
  return json::array({string_member(metadata, "name"), string_member(object, "type"), data_count(object),
                      age_of(string_member(metadata, "creationTimestamp"), now)});
}

}  // namespace

kind_strategy secret() {
  kind_strategy strategy;
  strategy.names = {"Secret", "SecretList", "secrets", "secret", "", "v1", {}, true};
  strategy.has_status = false;
  strategy.apply_defaults = default_secret;
  strategy.validate = validate_secret;
  strategy.validate_update = validate_secret_update;
  strategy.schema = secret_schema;
  strategy.table_columns = secret_columns;
  strategy.table_cells = secret_cells;
  return strategy;
}

}  // namespace orkest::model::kinds
