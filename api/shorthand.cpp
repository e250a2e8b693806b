#include "api/shorthand.hpp"

#include <algorithm>

#include "api/json_access.hpp"

namespace orkest::api {
namespace {

using nlohmann::json;

bool all_strings(const json& object) {
  return std::all_of(object.begin(), object.end(), [](const json& value) { return value.is_string(); });
}

// {"K": "V", "PORT": 5000} -> [{name: K, value: V}, {name: PORT, value: "5000"}]. Numbers and
// booleans become their text, as a shell would see them; any other value leaves env alone.
void expand_env(json& container) {
  json* env = object_member(container, "env");
  if (!env) return;
  const bool scalars = std::all_of(env->begin(), env->end(), [](const json& value) {
    return value.is_string() || value.is_number() || value.is_boolean();
  });
  if (!scalars) return;
  json list = json::array();
  for (const auto& [name, value] : env->items())
    list.push_back({{"name", name}, {"value", value.is_string() ? value.get<std::string>() : value.dump()}});
  *env = std::move(list);
}

void expand_pod_spec(json& owner) {
  json* spec = object_member(owner, "spec");
  if (!spec || !spec->contains("containers") || !(*spec)["containers"].is_array()) return;
  for (auto& container : (*spec)["containers"]) expand_env(container);
}

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


// {"app": "health"} as template metadata -> {"labels": {"app": "health"}}.
void expand_template_metadata(json& pod_template) {
  json* metadata = object_member(pod_template, "metadata");
  if (!metadata || metadata->empty() || !all_strings(*metadata)) return;
  for (const auto& [name, value] : metadata->items())
    if (is_object_meta_field(name)) return;
  *metadata = json{{"labels", std::move(*metadata)}};
}

// {"name": "health"} as selector -> {"matchLabels": {"name": "health"}}.
void expand_selector(json& spec) {
  json* selector = object_member(spec, "selector");
  if (!selector || selector->empty() || !all_strings(*selector)) return;
  if (selector->contains("matchLabels") || selector->contains("matchExpressions")) return;
  *selector = json{{"matchLabels", std::move(*selector)}};
}

// The selector's matchLabels the template lacks are added to it, so the pods carry them and the
// ReplicaSet counts its own pods. A label the template sets to another value is left for
// validation to report.
void add_selector_labels_to_template(json& spec) {
  json* selector = object_member(spec, "selector");
  json* match_labels = selector ? object_member(*selector, "matchLabels") : nullptr;
  json* pod_template = object_member(spec, "template");
  if (!match_labels || !all_strings(*match_labels) || !pod_template) return;
  json& metadata = (*pod_template)["metadata"];
  if (metadata.is_null()) metadata = json::object();
  if (!metadata.is_object()) return;
  json& labels = metadata["labels"];
  if (labels.is_null()) labels = json::object();
  if (!labels.is_object()) return;
  for (const auto& [key, value] : match_labels->items())
    if (!labels.contains(key)) labels[key] = value;
}

void expand_replica_set(json& object) {
  json* spec = object_member(object, "spec");
  if (!spec) return;
  expand_selector(*spec);
  if (json* pod_template = object_member(*spec, "template")) {
    expand_template_metadata(*pod_template);
    expand_pod_spec(*pod_template);
  }
  add_selector_labels_to_template(*spec);
}

}  // namespace

bool is_object_meta_field(const std::string& name) {
  return std::find(std::begin(object_meta_fields), std::end(object_meta_fields), name) != std::end(object_meta_fields);
}

void expand_shorthands(const resource_kind& kind, json& object) {
  if (!object.is_object()) return;
  if (kind.kind == "Pod") expand_pod_spec(object);
  if (kind.kind == "ReplicaSet") expand_replica_set(object);
}

}  // namespace orkest::api
