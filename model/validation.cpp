#include "model/validation.hpp"

#include "model/field_error.hpp"
#include "model/kind_strategy.hpp"
#include "model/name_rules.hpp"

namespace orkest::model {

std::vector<status_cause> validate(const resource_kind& kind, const nlohmann::json& object) {
  if (!object.is_object()) return {field_error::type_invalid("", object, "object")};
  std::vector<status_cause> found;
  if (auto check = strategy_for(kind).validate) check(found, object);
  return found;
}

bool is_dns1123_label(const std::string& value) { return name_rules::dns1123_label(value).empty(); }

bool is_dns1123_subdomain(const std::string& value) { return name_rules::dns1123_subdomain(value).empty(); }

}  // namespace orkest::model
