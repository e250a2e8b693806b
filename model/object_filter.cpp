#include "model/object_filter.hpp"

namespace orkest::model {

std::variant<object_filter, api_error> object_filter::parse(const std::string& label_text,
                                                            const std::string& field_text) {
  auto labels = label_selector::parse(label_text);
  if (auto* error = std::get_if<std::string>(&labels)) return bad_request("unable to parse labelSelector: " + *error);
  auto fields = field_selector::parse(field_text);
  if (auto* error = std::get_if<std::string>(&fields)) return bad_request("unable to parse fieldSelector: " + *error);
  return object_filter(std::move(std::get<label_selector>(labels)), std::move(std::get<field_selector>(fields)));
}

bool object_filter::matches(const nlohmann::json& object) const {
  return labels_.matches(labels_of(object)) && fields_.matches(object);
}

}  // namespace orkest::model
