// PersistentVolume (core/v1, cluster-scoped): storage an administrator made (a hostPath under
// security.hostPathAllowed, checked at admission) or orkest's local-path provisioner made for a
// claim. The volume binder (actors/volume_binder) binds it to a claim and releases it.

#include "model/json_access.hpp"
#include "model/kinds/building_blocks.hpp"
#include "model/kinds/persistent_storage.hpp"
#include "model/kinds/volume.hpp"

namespace orkest::model::kinds {
namespace {

// Kubernetes' persistent volume sources other than hostPath: recognised, so the refusal names them.
const std::vector<std::string> other_sources = {"local", "nfs", "csi", "iscsi", "glusterfs", "rbd", "cephfs", "cinder",
                                                "fc", "flexVolume", "azureFile", "azureDisk", "vsphereVolume",
                                                "quobyte", "photonPersistentDisk", "portworxVolume", "scaleIO",
                                                "storageos", "gcePersistentDisk", "awsElasticBlockStore", "flocker"};

void default_persistent_volume(json& object) {
  json* spec = object_member(object, "spec");
  if (!spec) return;
  set_default(*spec, "persistentVolumeReclaimPolicy", "Retain");
  set_default(*spec, "volumeMode", "Filesystem");
}

void validate_persistent_volume(field_causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  const json* spec_object = member(object, "spec");
  if (!spec_object || !spec_object->is_object()) {
    found.push_back(fe::required("spec"));
    return;
  }
  reader spec(found, *spec_object, "spec");
  const json* capacity = spec.object("capacity");
  validate_storage_size(found, capacity ? member(*capacity, "storage") : nullptr, "spec.capacity.storage");
  if (capacity)
    for (const auto& [name, value] : capacity->items())
      if (name != "storage") found.push_back(fe::not_supported(fe::key("spec.capacity", name), name, {"storage"}));
  validate_access_modes(found, spec);
  spec.required_one_of("persistentVolumeReclaimPolicy", reclaim_policies);
  if (auto name = spec.string("storageClassName"); name && !name->empty())
    fe::add_invalid(found, spec.path("storageClassName"), *name, name_rules::dns1123_subdomain(*name));
  validate_volume_mode(found, spec);
  if (const json* host_path = spec.object("hostPath")) {
    reader source(found, *host_path, spec.path("hostPath"));
    validate_host_path_source(found, source);
  } else {
    for (const auto& source : other_sources)
      if (spec.present(source.c_str())) {
        found.push_back(fe::forbidden(spec.path(source.c_str()), "not supported by orkest: persistent volumes of type " + source));
        return;
      }
    found.push_back(fe::required("spec", "must specify a volume type"));
  }
  refuse_unhonoured(found, spec, *spec_object, "mountOptions", "volumes are folders bound into containers");
  refuse_unhonoured(found, spec, *spec_object, "nodeAffinity", "one node: every volume is on it");
  if (const json* claim = spec.object("claimRef")) {
    reader ref(found, *claim, spec.path("claimRef"));
    ref.required_string("name");
    ref.required_string("namespace");
  }
}

std::vector<status_cause> validate_persistent_volume_update(const json& stored, const json& updated) {
  const json& before = member_or_null(stored, "spec");
  const json& after = member_or_null(updated, "spec");
  std::vector<status_cause> causes;
  for (const char* field : {"hostPath", "volumeMode", "storageClassName"})
    if (member_or_null(before, field) != member_or_null(after, field))
      causes.push_back(fe::invalid(fe::child("spec", field), member_or_null(after, field), "field is immutable"));
  return causes;
}

const json& persistent_volume_schema() {
  static const json schema = [] {
    json spec = {{"capacity", any()},     {"accessModes", any()},  {"persistentVolumeReclaimPolicy", any()},
                 {"storageClassName", any()}, {"volumeMode", any()}, {"claimRef", any()},
                 {"mountOptions", any()}, {"nodeAffinity", any()}, {"hostPath", {{"path", any()}, {"type", any()}}},
                 {"volumeAttributesClassName", any()}};
    for (const auto& source : other_sources) spec[source] = any();
    return top_level(spec);
  }();
  return schema;
}

json persistent_volume_columns() {
  return json::array({column("Name", "string", name_description, 0, "name"),
                      column("Capacity", "string", "capacity is the description of the persistent volume's resources and capacity."),
                      column("Access Modes", "string", "accessModes contains all ways the volume can be mounted."),
                      column("Reclaim Policy", "string", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
                      column("Status", "string", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
                      column("Claim", "string", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
                      column("StorageClass", "string", "storageClassName is the name of StorageClass to which this persistent volume belongs."),
                      column("VolumeAttributesClass", "string", "Name of VolumeAttributesClass to which this persistent volume belongs."),
                      column("Reason", "string", "reason is a brief CamelCase string that describes any failure."),
                      column("Age", "string", age_description),
                      column("VolumeMode", "string", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.", 1)});
}

json persistent_volume_cells(const json& object, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(object, "metadata");
  const auto& spec = member_or_null(object, "spec");
  const auto& status = member_or_null(object, "status");
  const auto& claim = member_or_null(spec, "claimRef");
  const std::string claim_text = claim.is_object() ? string_member(claim, "namespace") + "/" + string_member(claim, "name") : "";
  return json::array({string_member(metadata, "name"), string_member(member_or_null(spec, "capacity"), "storage"),
                      access_modes_text(member_or_null(spec, "accessModes")),
                      string_member(spec, "persistentVolumeReclaimPolicy"), string_member(status, "phase"), claim_text,
                      string_member(spec, "storageClassName"), unset_if_empty(string_member(spec, "volumeAttributesClassName")),
                      string_member(status, "reason"), age_of(string_member(metadata, "creationTimestamp"), now),
                      string_member(spec, "volumeMode")});
}

}  // namespace

kind_strategy persistent_volume() {
  kind_strategy strategy;
  strategy.names = {"PersistentVolume", "PersistentVolumeList", "persistentvolumes", "persistentvolume", "", "v1", {"pv"},
                    false};
  strategy.apply_defaults = default_persistent_volume;
  strategy.validate = validate_persistent_volume;
  strategy.validate_update = validate_persistent_volume_update;
  strategy.initial_status = pending_status;
  strategy.host_path_source = true;
  strategy.schema = persistent_volume_schema;
  strategy.table_columns = persistent_volume_columns;
  strategy.table_cells = persistent_volume_cells;
  return strategy;
}

}  // namespace orkest::model::kinds
