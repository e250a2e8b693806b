#include "model/field_schema.hpp"

namespace orkest::model::field_schema {

using nlohmann::json;

const json& any() {
  static const json schema = "*";
  return schema;
}

json list_of(json item) { return json::array({std::move(item)}); }

const json& object_meta() {
  static const json schema = {
      {"name", any()},       {"generateName", any()},      {"namespace", any()},
      {"selfLink", any()},   {"uid", any()},               {"resourceVersion", any()},
      {"generation", any()}, {"creationTimestamp", any()}, {"deletionTimestamp", any()},
      {"deletionGracePeriodSeconds", any()},             {"labels", any()},
      {"annotations", any()}, {"ownerReferences", any()},  {"finalizers", any()},
      {"managedFields", any()}};
  return schema;
}

json top_level(json spec) {
  json schema = {{"apiVersion", any()}, {"kind", any()}, {"metadata", object_meta()}, {"status", any()}};
  if (!spec.is_null()) schema["spec"] = std::move(spec);
  return schema;
}

}  // namespace orkest::model::field_schema
