#include "model/field_error.hpp"

#include <algorithm>

namespace orkest::model::field_error {
namespace {

// Kubernetes prints the bad value after the error type: strings quoted, numbers and booleans
// bare; JSON's own rendering gives exactly that.
std::string with_value(const char* type, const nlohmann::json& value, const std::string& detail) {
  std::string message = std::string(type) + ": " + value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (!detail.empty()) message += ": " + detail;
  return message;
}

std::string with_detail(const char* type, const std::string& detail) {
  return detail.empty() ? std::string(type) : std::string(type) + ": " + detail;
}

}  // namespace

status_cause required(std::string field, const std::string& detail) {
  return {"FieldValueRequired", std::move(field), with_detail("Required value", detail)};
}

status_cause invalid(std::string field, const nlohmann::json& value, const std::string& detail) {
  return {"FieldValueInvalid", std::move(field), with_value("Invalid value", value, detail)};
}

status_cause not_supported(std::string field, const nlohmann::json& value, const std::vector<std::string>& supported) {
  std::string detail;
  for (const auto& candidate : supported)
    detail += (detail.empty() ? "supported values: " : ", ") + nlohmann::json(candidate).dump();
  return {"FieldValueNotSupported", std::move(field), with_value("Unsupported value", value, detail)};
}

status_cause type_invalid(std::string field, const nlohmann::json& value, const std::string& expected) {
  return {"FieldValueTypeInvalid", std::move(field), with_value("Invalid value", value, "must be of type " + expected)};
}

status_cause forbidden(std::string field, const std::string& detail) {
  return {"FieldValueForbidden", std::move(field), with_detail("Forbidden", detail)};
}

status_cause duplicate(std::string field, const nlohmann::json& value) {
  return {"FieldValueDuplicate", std::move(field), with_value("Duplicate value", value, {})};
}

status_cause not_found(std::string field, const nlohmann::json& value) {
  return {"FieldValueNotFound", std::move(field), with_value("Not found", value, {})};
}

status_cause too_long(std::string field, std::size_t max_bytes) {
  return {"FieldValueTooLong", std::move(field),
          with_detail("Too long", "must have at most " + std::to_string(max_bytes) + " bytes")};
}

status_cause too_many(std::string field, std::size_t actual, std::size_t max_items) {
  return {"FieldValueTooMany", std::move(field),
          with_value("Too many", actual, "must have at most " + std::to_string(max_items) + " items")};
}

std::string child(const std::string& path, const std::string& name) { return path.empty() ? name : path + "." + name; }

std::string index(const std::string& path, std::size_t position) { return path + "[" + std::to_string(position) + "]"; }

std::string key(const std::string& path, const std::string& name) { return path + "[" + name + "]"; }

void append(std::vector<status_cause>& to, std::vector<status_cause> more) {
  to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

void add_invalid(std::vector<status_cause>& to, const std::string& field, const nlohmann::json& value,
                 const std::vector<std::string>& explanations) {
  for (const auto& explanation : explanations) to.push_back(invalid(field, value, explanation));
}

std::string to_string(const status_cause& cause) {
  return cause.field.empty() ? cause.message : cause.field + ": " + cause.message;
}

std::string to_string(const std::vector<status_cause>& causes) {
  std::vector<std::string> sentences;
  for (const auto& cause : causes) {
    auto sentence = to_string(cause);
    if (std::find(sentences.begin(), sentences.end(), sentence) == sentences.end())
      sentences.push_back(std::move(sentence));
  }
  if (sentences.size() == 1) return sentences.front();
  std::string joined = "[";
  for (std::size_t i = 0; i < sentences.size(); ++i) joined += (i ? ", " : "") + sentences[i];
  return sentences.empty() ? std::string{} : joined + "]";
}

}  // namespace orkest::model::field_error
