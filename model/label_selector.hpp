#pragma once
// Kubernetes label selectors: the string form of ?labelSelector= and the LabelSelector object
// (matchLabels + matchExpressions), both compiled to one list of requirements.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/api_error.hpp"

namespace orkest::model {

using labels = std::map<std::string, std::string>;

struct label_requirement {
  enum class op { equals, not_equals, in, not_in, exists, does_not_exist };
  std::string key;
  op operation = op::equals;
  std::vector<std::string> values;
};

class label_selector {
 public:
  label_selector() = default;  // the empty selector matches everything
  explicit label_selector(std::vector<label_requirement> requirements);

  // "app=web,tier!=db,env in (a,b),!legacy,gpu". Errors name the offending part.
  static std::variant<label_selector, std::string> parse(std::string_view text);
  // {matchLabels: {...}, matchExpressions: [{key, operator: In|NotIn|Exists|DoesNotExist,
  // values}]}. Errors name the field.
  static std::variant<label_selector, std::string> from_json(const nlohmann::json& selector);
  // A plain map, as Service.spec.selector: every pair must match.
  static label_selector from_map(const labels& match_labels);

  bool matches(const labels& object_labels) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<label_requirement>& requirements() const { return requirements_; }
  std::string to_string() const;  // canonical string form

 private:
  std::vector<label_requirement> requirements_;
};

// A LabelSelector object in Kubernetes' string form, requirements sorted by key
// ("app=web,env in (a,b),tier=front"); "" when empty or malformed.
std::string label_selector_string(const nlohmann::json& selector);

// metadata.labels of an object as a map (empty when absent or malformed).
labels labels_of(const nlohmann::json& object);

// Field errors of a label map (keys qualified names, values label values, all strings) at `path`
// ("metadata.labels"), as Kubernetes' ValidateLabels words them.
std::vector<status_cause> label_errors(const nlohmann::json& label_map, const std::string& path);
// Field errors of a LabelSelector object at `path` ("spec.selector"): matchLabels as labels,
// matchExpressions' keys, operators and values. from_json and validation share it.
std::vector<status_cause> selector_errors(const nlohmann::json& selector, const std::string& path);

}  // namespace orkest::model
