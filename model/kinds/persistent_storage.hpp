#pragma once
// What PersistentVolumes, PersistentVolumeClaims and StorageClasses share: access modes, the
// storage size, reclaim policies, the default class annotation.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/validation_rules.hpp"

namespace orkest::model::kinds {

inline const std::vector<std::string> access_modes = {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                                       "ReadWriteOncePod"};
inline const std::vector<std::string> reclaim_policies = {"Retain", "Delete"};
inline constexpr const char* default_class_annotation = "storageclass.kubernetes.io/is-default-class";
// The provisioner orkest runs itself: a folder under its data dir for each claim (k3s' local-path).
inline constexpr const char* local_path_provisioner = "orkest.io/local-path";

// accessModes: required, each one of Kubernetes' modes (ReadWriteOncePod alone).
void validate_access_modes(field_causes& found, reader& spec);
// `path` holds a storage quantity greater than 0.
void validate_storage_size(field_causes& found, const nlohmann::json* value, const std::string& path);
// volumeMode: Filesystem only (orkest gives containers no raw block devices).
void validate_volume_mode(field_causes& found, reader& spec);
// ["ReadWriteOnce", "ReadOnlyMany"] -> "RWO,ROX", as kubectl prints access modes.
std::string access_modes_text(const nlohmann::json& modes);
// The status a new volume or claim starts with: phase Pending (the volume binder moves it on).
inline nlohmann::json pending_status(const nlohmann::json&) { return {{"phase", "Pending"}}; }
// "" -> "<unset>", as kubectl prints a volume attributes class that is not set.
inline std::string unset_if_empty(std::string value) { return value.empty() ? "<unset>" : value; }
// "1Gi" -> the number of bytes; 0 when absent or not a quantity.
long long storage_bytes(const nlohmann::json& value);

}  // namespace orkest::model::kinds
