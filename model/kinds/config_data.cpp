#include "model/kinds/config_data.hpp"

#include "model/base64.hpp"

namespace orkest::model::kinds {

void validate_config_entries(field_causes& found, const json& object, const char* field, bool base64,
                             std::size_t& total) {
  reader fields(found, object, "");
  const json* entries = fields.object(field);
  if (!entries) return;
  for (const auto& [key, value] : entries->items()) {
    const std::string path = fe::key(field, key);
    fe::add_invalid(found, path, key, name_rules::config_key(key));
    if (!value.is_string()) {
      found.push_back(fe::type_invalid(path, value, "string"));
      continue;
    }
    const auto& text = value.get_ref<const std::string&>();
    if (!base64) {
      total += text.size();
      continue;
    }
    const auto bytes = base64_decode(text);
    if (!bytes)
      found.push_back(fe::invalid(path, "<value omitted>", "must be base64 (standard alphabet, padded)"));
    else
      total += bytes->size();
  }
}

std::vector<status_cause> immutable_when_set(const json& stored, const json& updated,
                                             std::initializer_list<const char*> fields) {
  std::vector<status_cause> causes;
  if (member_or_null(stored, "immutable") != true) return causes;
  const std::string why = "field is immutable when `immutable` is set";
  for (const char* field : fields)
    if (member_or_null(stored, field) != member_or_null(updated, field)) causes.push_back(fe::forbidden(field, why));
  if (member_or_null(updated, "immutable") != true) causes.push_back(fe::forbidden("immutable", why));
  return causes;
}

std::int64_t data_count(const json& object) {
  std::int64_t count = 0;
  for (const char* field : {"data", "binaryData"})
    if (const json& entries = member_or_null(object, field); entries.is_object())
      count += static_cast<std::int64_t>(entries.size());
  return count;
}

}  // namespace orkest::model::kinds
