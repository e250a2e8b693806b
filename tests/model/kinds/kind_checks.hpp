#pragma once
// What the kind tests ask of an object: it defaulted, and its validation causes as one text
// ("field: message" per line, "" when valid).

#include <nlohmann/json.hpp>
#include <string>

#include "model/defaults.hpp"
#include "model/resource_kind.hpp"
#include "model/validation.hpp"

namespace orkest::model::testing {

inline nlohmann::json defaulted(const char* kind_name, nlohmann::json object) {
  apply_defaults(*find_kind(kind_name), object);
  return object;
}

inline std::string causes_of(const char* kind_name, nlohmann::json object) {
  object = defaulted(kind_name, std::move(object));
  std::string text;
  for (const auto& cause : validate(*find_kind(kind_name), object)) text += cause.field + ": " + cause.message + "\n";
  return text;
}

}  // namespace orkest::model::testing
