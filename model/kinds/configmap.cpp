// ConfigMap (core/v1): configuration as text (data) or bytes (binaryData, base64), for pods
// to read as environment variables (env[].valueFrom.configMapKeyRef, envFrom).

#include "model/kinds/config_data.hpp"

namespace orkest::model::kinds {
namespace {

void validate_config_map(field_causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  std::size_t total = 0;
  validate_config_entries(found, object, "data", false, total);
  validate_config_entries(found, object, "binaryData", true, total);
  const json& data = member_or_null(object, "data");
  const json& binary = member_or_null(object, "binaryData");
  if (data.is_object() && binary.is_object())
    for (const auto& [key, value] : data.items())
      if (binary.contains(key))
        found.push_back(fe::invalid(fe::key("data", key), key, "duplicate of key present in binaryData"));
  if (total > max_config_data_bytes) found.push_back(fe::too_long("", max_config_data_bytes));
  reader(found, object, "").boolean("immutable");
}

std::vector<status_cause> validate_config_map_update(const json& stored, const json& updated) {
  return immutable_when_set(stored, updated, {"data", "binaryData"});
}

const json& config_map_schema() {
  static const json schema = [] {
    json known = top_level(nullptr);
    known.erase("status");
    for (const char* field : {"data", "binaryData", "immutable"}) known[field] = any();
    return known;
  }();
  return schema;
}

json config_map_columns() {
  return json::array({column("Name", "string", name_description, 0, "name"), column("Data", "string", ""),
                      column("Age", "string", age_description)});
}

json config_map_cells(const json& object, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(object, "metadata");
  return json::array({string_member(metadata, "name"), data_count(object),
                      age_of(string_member(metadata, "creationTimestamp"), now)});
}

}  // namespace

kind_strategy config_map() {
  kind_strategy strategy;
  strategy.names = {"ConfigMap", "ConfigMapList", "configmaps", "configmap", "", "v1", {"cm"}, true};
  strategy.has_status = false;
  strategy.validate = validate_config_map;
  strategy.validate_update = validate_config_map_update;
  strategy.schema = config_map_schema;
  strategy.table_columns = config_map_columns;
  strategy.table_cells = config_map_cells;
  return strategy;
}

}  // namespace orkest::model::kinds
