#include "model/shorthand.hpp"

#include <algorithm>
#include <iterator>

#include "model/kind_strategy.hpp"

namespace orkest::model {
namespace {

const char* const object_meta_fields[] = {"name",
                                          "generateName",
                                          "namespace",
                                          "selfLink",
                                          "uid",
                                          "resourceVersion",
                                          "generation",
                                          "creationTimestamp",
                                          "deletionTimestamp",
                                          "deletionGracePeriodSeconds",
                                          "labels",
                                          "annotations",
                                          "ownerReferences",
                                          "finalizers",
                                          "managedFields"};

}  // namespace

bool is_object_meta_field(const std::string& name) {
  return std::find(std::begin(object_meta_fields), std::end(object_meta_fields), name) != std::end(object_meta_fields);
}

void expand_shorthands(const resource_kind& kind, nlohmann::json& object) {
  if (!object.is_object()) return;
  if (auto expand = strategy_for(kind).expand_shorthands) expand(object);
}

}  // namespace orkest::model
