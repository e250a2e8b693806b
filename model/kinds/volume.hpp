#pragma once
// A pod's volumes and its containers' volumeMounts, validated as Kubernetes validates them,
// for the volume types orkest makes on its host: emptyDir (disk, or memory with a sizeLimit),
// hostPath, configMap, secret and persistentVolumeClaim. Any other type is refused, naming it. Whether a hostPath is
// allowed on this machine is admission's question (store/admission_limits.hpp).

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "model/validation_rules.hpp"

namespace orkest::model::kinds {

// Validates spec.volumes; returns the names of the valid ones (for the mounts to name).
std::set<std::string> validate_volumes(field_causes& found, reader& pod_spec);
void validate_volume_mounts(field_causes& found, reader& container, const std::set<std::string>& volume_names);

// hostPath {path, type}: absolute, no "..", no comma, a known type (pods' and PVs').
void validate_host_path_source(field_causes& found, reader& source);

const nlohmann::json& volume_schema();
const nlohmann::json& volume_mount_schema();

}  // namespace orkest::model::kinds
