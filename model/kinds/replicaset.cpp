// ReplicaSet (apps/v1): keeps spec.replicas pods of its template running
// (actors/replicaset_controller.cpp).

#include "model/kinds/building_blocks.hpp"

namespace orkest::model::kinds {
namespace {

void expand_replica_set_shorthands(json& object) {
  if (json* spec = object_member(object, "spec")) expand_template_shorthands(*spec);
}

void default_replica_set(json& object) {
  json* spec = object_member(object, "spec");
  if (!spec) return;
  set_default(*spec, "replicas", 1);
  json* pod_template = object_member(*spec, "template");
  if (json* pod_spec = pod_template ? object_member(*pod_template, "spec") : nullptr) default_pod_spec(*pod_spec);
}

void validate_replica_set(field_causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  const auto spec_value = spec_of(found, object);
  if (!spec_value) return;
  reader spec(found, *spec_value, "spec");
  validate_replicated_pods(found, spec, *spec_value, "ReplicaSet");
}

std::vector<status_cause> validate_replica_set_update(const json& stored, const json& updated) {
  const auto& selector = member_or_null(member_or_null(updated, "spec"), "selector");
  if (selector == member_or_null(member_or_null(stored, "spec"), "selector")) return {};
  return {fe::invalid("spec.selector", selector, "field is immutable")};
}

json no_replicas_yet(const json&) { return {{"replicas", 0}}; }

const json& replica_set_schema() {
  static const json schema = top_level({{"replicas", any()},
                                        {"minReadySeconds", any()},
                                        {"selector", {{"matchLabels", any()}, {"matchExpressions", any()}}},
                                        {"template", {{"metadata", field_schema::object_meta()}, {"spec", pod_spec_schema()}}}});
  return schema;
}

// ---- printReplicaSet ----

json replicaset_columns() {
  return json::array({
      column("Name", "string", name_description, 0, "name"),
      column("Desired", "integer",
             "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and "
             "unspecified. Defaults to 1. More info: "
             "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#what-is-a-replicaset"),
      column("Current", "integer",
             "Replicas is the most recently observed number of non-terminating pods. More info: "
             "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#what-is-a-replicaset"),
      column("Ready", "integer",
             "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
      column("Age", "string", age_description),
      column("Containers", "string", "Names of each container in the template.", 1),
      column("Images", "string", "Images referenced by each container in the template.", 1),
      column("Selector", "string",
             "Selector is a label query over pods that should match the replica count. Label keys and values that "
             "must match in order to be controlled by this replica set. It must match the pod template's labels. "
             "More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
             1),
  });
}

std::string selector_text(const json& selector) { return or_none(label_selector_string(selector)); }

json replicaset_cells(const json& rs, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(rs, "metadata");
  const auto& spec = member_or_null(rs, "spec");
  const auto& status = member_or_null(rs, "status");
  const auto [names, images] = template_containers_and_images(spec);
  const auto& replicas = member_or_null(spec, "replicas");
  return json::array({string_member(metadata, "name"), replicas.is_number_integer() ? replicas.get<int64_t>() : 1,
                      integer(status, "replicas"), integer(status, "readyReplicas"),
                      age_of(string_member(metadata, "creationTimestamp"), now), names, images,
                      selector_text(member_or_null(spec, "selector"))});
}

}  // namespace

kind_strategy replica_set() {
  kind_strategy strategy;
  strategy.names = {"ReplicaSet", "ReplicaSetList", "replicasets", "replicaset", "apps", "v1", {"rs"}, true};
  strategy.categories = {"all"};
  strategy.has_scale = true;
  strategy.expand_shorthands = expand_replica_set_shorthands;
  strategy.apply_defaults = default_replica_set;
  strategy.validate = validate_replica_set;
  strategy.validate_update = validate_replica_set_update;
  strategy.initial_status = no_replicas_yet;
  strategy.has_pod_template = true;
  strategy.schema = replica_set_schema;
  strategy.table_columns = replicaset_columns;
  strategy.table_cells = replicaset_cells;
  return strategy;
}

}  // namespace orkest::model::kinds
