// PersistentVolumeClaim (core/v1): a pod's request for storage of a size and access mode. The
// volume binder binds it to a fitting PersistentVolume, or has orkest's local-path provisioner
// make one; pods mount it by name (volumes[].persistentVolumeClaim).

#include "model/json_access.hpp"
#include "model/kinds/building_blocks.hpp"
#include "model/kinds/persistent_storage.hpp"
#include "model/label_selector.hpp"

namespace orkest::model::kinds {
namespace {

void default_claim(json& object) {
  json* spec = object_member(object, "spec");
  if (spec) set_default(*spec, "volumeMode", "Filesystem");
}

void validate_claim(field_causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  const json* spec_object = member(object, "spec");
  if (!spec_object || !spec_object->is_object()) {
    found.push_back(fe::required("spec.accessModes"));
    found.push_back(fe::required("spec.resources.requests.storage"));
    return;
  }
  reader spec(found, *spec_object, "spec");
  validate_access_modes(found, spec);
  const json* resources = spec.object("resources");
  const json* requests = resources ? member(*resources, "requests") : nullptr;
  validate_storage_size(found, requests && requests->is_object() ? member(*requests, "storage") : nullptr,
                        "spec.resources.requests.storage");
  if (resources && member(*resources, "limits"))
    found.push_back(fe::forbidden("spec.resources.limits", "not supported by orkest: a folder has no size limit"));
  if (auto name = spec.string("storageClassName"); name && !name->empty())
    fe::add_invalid(found, spec.path("storageClassName"), *name, name_rules::dns1123_subdomain(*name));
  if (auto name = spec.string("volumeName"); name && !name->empty())
    fe::add_invalid(found, spec.path("volumeName"), *name, name_rules::dns1123_subdomain(*name));
  validate_volume_mode(found, spec);
  if (const json* selector = member(*spec_object, "selector"); selector && !selector->is_null())
    fe::append(found, selector_errors(*selector, spec.path("selector")));
  refuse_unhonoured(found, spec, *spec_object, "dataSource", "volumes are not populated from other objects");
  refuse_unhonoured(found, spec, *spec_object, "dataSourceRef", "volumes are not populated from other objects");
  refuse_unhonoured(found, spec, *spec_object, "volumeAttributesClassName", "no volume attributes classes");
}

// As Kubernetes: the spec is fixed once created, except what binding fills in (volumeName,
// and the default class of a claim that named none); orkest expands no volume.
std::vector<status_cause> validate_claim_update(const json& stored, const json& updated) {
  std::vector<status_cause> causes;
  json before = member_or_null(stored, "spec");
  json after = member_or_null(updated, "spec");
  if (!before.is_object() || !after.is_object()) return causes;
  if (string_member(before, "volumeName").empty() && !string_member(after, "volumeName").empty())
    before["volumeName"] = after["volumeName"];
  if (!before.contains("storageClassName") && after.contains("storageClassName"))
    before["storageClassName"] = after["storageClassName"];
  if (member_or_null(member_or_null(before, "resources"), "requests") !=
      member_or_null(member_or_null(after, "resources"), "requests")) {
    causes.push_back(fe::forbidden("spec.resources.requests.storage", "not supported by orkest: volumes are not expanded"));
    return causes;
  }
  if (before != after)
    causes.push_back(fe::forbidden("spec", "spec is immutable after creation except resources.requests and "
                                           "volumeAttributesClassName for bound claims"));
  return causes;
}

const json& claim_schema() {
  static const json schema = top_level({{"accessModes", any()},
                                        {"selector", any()},
                                        {"resources", {{"requests", any()}, {"limits", any()}}},
                                        {"volumeName", any()},
                                        {"storageClassName", any()},
                                        {"volumeMode", any()},
                                        {"dataSource", any()},
                                        {"dataSourceRef", any()},
                                        {"volumeAttributesClassName", any()}});
  return schema;
}

json claim_columns() {
  return json::array({column("Name", "string", name_description, 0, "name"),
                      column("Status", "string", "phase represents the current phase of PersistentVolumeClaim."),
                      column("Volume", "string", "volumeName is the binding reference to the PersistentVolume backing this claim."),
                      column("Capacity", "string", "capacity represents the actual resources of the underlying volume."),
                      column("Access Modes", "string", "accessModes contains the desired access modes the volume should have."),
                      column("StorageClass", "string", "storageClassName is the name of the StorageClass required by the claim."),
                      column("VolumeAttributesClass", "string", "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."),
                      column("Age", "string", age_description),
                      column("VolumeMode", "string", "volumeMode defines what type of volume is required by the claim.", 1)});
}

json claim_cells(const json& object, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(object, "metadata");
  const auto& spec = member_or_null(object, "spec");
  const auto& status = member_or_null(object, "status");
  return json::array({string_member(metadata, "name"), string_member(status, "phase"), string_member(spec, "volumeName"),
                      string_member(member_or_null(status, "capacity"), "storage"),
                      access_modes_text(member_or_null(status, "accessModes")), string_member(spec, "storageClassName"),
                      unset_if_empty(string_member(spec, "volumeAttributesClassName")),
                      age_of(string_member(metadata, "creationTimestamp"), now), string_member(spec, "volumeMode")});
}

}  // namespace

kind_strategy persistent_volume_claim() {
  kind_strategy strategy;
  strategy.names = {"PersistentVolumeClaim", "PersistentVolumeClaimList", "persistentvolumeclaims",
                    "persistentvolumeclaim", "", "v1", {"pvc"}, true};
  strategy.apply_defaults = default_claim;
  strategy.validate = validate_claim;
  strategy.validate_update = validate_claim_update;
  strategy.initial_status = pending_status;
  strategy.schema = claim_schema;
  strategy.table_columns = claim_columns;
  strategy.table_cells = claim_cells;
  return strategy;
}

}  // namespace orkest::model::kinds
