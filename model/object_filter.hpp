#pragma once
// Which objects a list or a watch selects: its label selector and field selector, parsed once.

#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "model/api_error.hpp"
#include "model/field_selector.hpp"
#include "model/label_selector.hpp"

namespace orkest::model {

class object_filter {
 public:
  // Kubernetes' string forms ("app=web,tier!=db", "metadata.name=x"); empty selects all.
  // A selector that does not parse is a 400 naming it: "unable to parse labelSelector: ...".
  static std::variant<object_filter, api_error> parse(const std::string& label_selector,
                                                      const std::string& field_selector);
  bool matches(const nlohmann::json& object) const;

 private:
  object_filter(label_selector labels, field_selector fields) : labels_(std::move(labels)), fields_(std::move(fields)) {}
  label_selector labels_;
  field_selector fields_;
};

}  // namespace orkest::model
