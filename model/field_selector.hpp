#pragma once
// Kubernetes field selectors (?fieldSelector=metadata.name=x,status.phase!=Running): equality
// tests on dotted paths of an object.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace orkest::model {

class field_selector {
 public:
  struct requirement {
    std::vector<std::string> path;  // "metadata.name" -> {"metadata", "name"}
    bool equals = true;
    std::string value;
  };

  static std::variant<field_selector, std::string> parse(std::string_view text);
  // A missing field compares as the empty string, as Kubernetes does.
  bool matches(const nlohmann::json& object) const;
  bool empty() const { return requirements_.empty(); }

 private:
  std::vector<requirement> requirements_;
};

}  // namespace orkest::model
