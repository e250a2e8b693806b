// StorageClass (storage.k8s.io/v1, cluster-scoped): how claims of a class get their volumes.
// orkest provisions `orkest.io/local-path` classes itself (a folder under its data dir per
// claim, as k3s' local-path provisioner does); a class of another provisioner is kept, and its
// claims wait for that provisioner as they would in Kubernetes.

#include "model/json_access.hpp"
#include "model/kinds/building_blocks.hpp"
#include "model/kinds/config_data.hpp"
#include "model/kinds/persistent_storage.hpp"

namespace orkest::model::kinds {
namespace {

void default_storage_class(json& object) {
  set_default(object, "reclaimPolicy", "Delete");
  set_default(object, "volumeBindingMode", "Immediate");
}

void validate_storage_class(field_causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  reader fields(found, object, "");
  if (auto provisioner = fields.required_string("provisioner"))
    fe::add_invalid(found, "provisioner", *provisioner, name_rules::qualified_name(*provisioner));
  if (const json* parameters = fields.object("parameters"))
    for (const auto& [key, value] : parameters->items())
      if (!value.is_string()) found.push_back(fe::type_invalid(fe::key("parameters", key), value, "string"));
  fields.required_one_of("reclaimPolicy", reclaim_policies);
  fields.required_one_of("volumeBindingMode", {"Immediate", "WaitForFirstConsumer"});
  if (fields.boolean("allowVolumeExpansion").value_or(false))
    found.push_back(fe::forbidden("allowVolumeExpansion", "not supported by orkest: volumes are not expanded"));
  refuse_unhonoured(found, fields, object, "mountOptions", "volumes are folders bound into containers");
  refuse_unhonoured(found, fields, object, "allowedTopologies", "one node, no topology");
}

std::vector<status_cause> validate_storage_class_update(const json& stored, const json& updated) {
  std::vector<status_cause> causes;
  for (const char* field : {"provisioner", "parameters", "reclaimPolicy", "volumeBindingMode"})
    if (member_or_null(stored, field) != member_or_null(updated, field))
      causes.push_back(fe::forbidden(field, std::string("updates to ") + field + " are forbidden."));
  return causes;
}

const json& storage_class_schema() {
  static const json schema = [] {
    json known = top_level(nullptr);
    known.erase("spec");
    known.erase("status");
    for (const char* field : {"provisioner", "parameters", "reclaimPolicy", "mountOptions", "allowVolumeExpansion",
                              "volumeBindingMode", "allowedTopologies"})
      known[field] = any();
    return known;
  }();
  return schema;
}

json storage_class_columns() {
  return json::array({column("Name", "string", name_description, 0, "name"),
                      column("Provisioner", "string", "Indicates the type of the provisioner."),
                      column("ReclaimPolicy", "string", "Dynamically provisioned PersistentVolumes of this storage class are created with this reclaimPolicy."),
                      column("VolumeBindingMode", "string", "VolumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
                      column("AllowVolumeExpansion", "string", "AllowVolumeExpansion shows whether the storage class allow volume expand."),
                      column("Age", "string", age_description)});
}

json storage_class_cells(const json& object, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(object, "metadata");
  std::string name = string_member(metadata, "name");
  if (string_member(member_or_null(metadata, "annotations"), default_class_annotation) == "true") name += " (default)";
  return json::array({name, string_member(object, "provisioner"), string_member(object, "reclaimPolicy"),
                      string_member(object, "volumeBindingMode"),
                      member_or_null(object, "allowVolumeExpansion") == true ? "true" : "false",
                      age_of(string_member(metadata, "creationTimestamp"), now)});
}

}  // namespace

kind_strategy storage_class() {
  kind_strategy strategy;
  strategy.names = {"StorageClass", "StorageClassList", "storageclasses", "storageclass", "storage.k8s.io", "v1", {"sc"},
                    false};
  strategy.has_status = false;
  strategy.apply_defaults = default_storage_class;
  strategy.validate = validate_storage_class;
  strategy.validate_update = validate_storage_class_update;
  strategy.schema = storage_class_schema;
  strategy.table_columns = storage_class_columns;
  strategy.table_cells = storage_class_cells;
  return strategy;
}

}  // namespace orkest::model::kinds
