#pragma once
// The building blocks of every kind's validation (model/kinds/*.cpp): typed reads that report a
// member of the wrong JSON type as a cause instead of throwing, object metadata, port numbers,
// fields orkest refuses rather than ignores. Pure.

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/api_error.hpp"
#include "model/field_error.hpp"
#include "model/json_access.hpp"

namespace orkest::model {

using field_causes = std::vector<status_cause>;
// A name format check: the explanations of what is wrong, empty when the name is good.
using name_rule = std::vector<std::string> (*)(const std::string&);

constexpr long long max_int32 = std::numeric_limits<std::int32_t>::max();

// Typed reads of one object's members, recording a cause whenever a member has the wrong JSON
// type; absent and null members read as nullopt / nullptr without a cause.
class reader {
 public:
  reader(field_causes& found, const nlohmann::json& object, std::string path)
      : found_(found), object_(object), path_(std::move(path)) {}

  std::string path(const char* name) const { return field_error::child(path_, name); }
  bool present(const char* name) const { return member(object_, name) != nullptr; }

  std::optional<std::string> string(const char* name) {
    const nlohmann::json* value = typed(name, &nlohmann::json::is_string, "string");
    return value ? std::optional<std::string>(value->get<std::string>()) : std::nullopt;
  }

  // A string that must be there and not be empty: Required otherwise.
  std::optional<std::string> required_string(const char* name) {
    auto value = string(name);
    if (value && !value->empty()) return value;
    if (!present(name) || value) found_.push_back(field_error::required(path(name)));
    return std::nullopt;
  }

  std::optional<long long> integer(const char* name) {
    const nlohmann::json* value = typed(name, &nlohmann::json::is_number_integer, "integer");
    if (!value) return std::nullopt;
    if (value->is_number_unsigned())
      return static_cast<long long>(
          std::min<std::uint64_t>(value->get<std::uint64_t>(), std::numeric_limits<long long>::max()));
    return value->get<long long>();
  }

  std::optional<bool> boolean(const char* name) {
    const nlohmann::json* value = typed(name, &nlohmann::json::is_boolean, "boolean");
    return value ? std::optional<bool>(value->get<bool>()) : std::nullopt;
  }

  const nlohmann::json* array(const char* name) { return typed(name, &nlohmann::json::is_array, "array"); }
  const nlohmann::json* object(const char* name) { return typed(name, &nlohmann::json::is_object, "object"); }

  void string_array(const char* name) {
    if (const nlohmann::json* items = array(name))
      for (std::size_t i = 0; i < items->size(); ++i)
        if (!(*items)[i].is_string())
          found_.push_back(field_error::type_invalid(field_error::index(path(name), i), (*items)[i], "string"));
  }

  // A required string that must be one of `supported`.
  void required_one_of(const char* name, const std::vector<std::string>& supported) {
    if (auto value = required_string(name)) check_one_of(name, *value, supported);
  }

  void optional_one_of(const char* name, const std::vector<std::string>& supported) {
    if (auto value = string(name)) check_one_of(name, *value, supported);
  }

  void non_negative(const char* name) {
    if (auto value = integer(name); value && *value < 0)
      found_.push_back(field_error::invalid(path(name), *value, "must be greater than or equal to 0"));
  }

 private:
  const nlohmann::json* typed(const char* name, bool (nlohmann::json::*is_type)() const noexcept, const char* type_name) {
    const nlohmann::json* value = member(object_, name);
    if (!value) return nullptr;
    if ((value->*is_type)()) return value;
    found_.push_back(field_error::type_invalid(path(name), *value, type_name));
    return nullptr;
  }

  void check_one_of(const char* name, const std::string& value, const std::vector<std::string>& supported) {
    if (std::find(supported.begin(), supported.end(), value) == supported.end())
      found_.push_back(field_error::not_supported(path(name), value, supported));
  }

  field_causes& found_;
  const nlohmann::json& object_;
  std::string path_;
};

// Checks each element of an array that must hold objects (read with reader::array, so a
// wrong type is already reported); check(item_reader, index).
template <class Check>
void for_each_object(field_causes& found, const nlohmann::json* items, const std::string& path_of_array, Check&& check) {
  if (!items) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string path = field_error::index(path_of_array, i);
    if (!(*items)[i].is_object()) {
      found.push_back(field_error::type_invalid(path, (*items)[i], "object"));
      continue;
    }
    reader item(found, (*items)[i], path);
    check(item, i);
  }
}

// A port number 1..65535: Invalid causes at `path` otherwise.
void add_port_number_errors(field_causes& found, const std::string& path, long long port);

// metadata.labels and metadata.annotations below `path`, shared by objects and pod templates.
void validate_labels_and_annotations(field_causes& found, const nlohmann::json& metadata, const std::string& path);

// metadata: name or generateName in `name_format`, namespace a DNS-1123 label, labels, annotations.
void validate_object_meta(field_causes& found, const nlohmann::json& object, name_rule name_format);

// A field orkest does not honour is refused rather than stored and ignored; absent, null, false
// and empty values ask for nothing and pass.
void refuse_unhonoured(field_causes& found, const reader& fields, const nlohmann::json& object, const char* name,
                       const char* why);

// The spec to check: an absent spec checks as an empty one, so each required field is named;
// nullopt (with a cause) when spec is no object.
std::optional<nlohmann::json> spec_of(field_causes& found, const nlohmann::json& object);

}  // namespace orkest::model
