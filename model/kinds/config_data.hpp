#pragma once
// What ConfigMaps and Secrets share: keys that are file names, a size limit, immutability.

#include <string>

#include "model/kinds/building_blocks.hpp"

namespace orkest::model::kinds {

// Kubernetes' limit on a ConfigMap's or Secret's data (MaxSecretSize), in bytes.
inline constexpr std::size_t max_config_data_bytes = 1024 * 1024;

// Each key of `field` (data, binaryData, stringData) a config key, each value text (or base64
// when `base64`); adds the values' size (decoded) to `total`.
void validate_config_entries(field_causes& found, const json& object, const char* field, bool base64,
                             std::size_t& total);

// Updates of an object whose `immutable` is true: no change to `fields`, and it stays immutable.
std::vector<status_cause> immutable_when_set(const json& stored, const json& updated,
                                             std::initializer_list<const char*> fields);

// Entries of data (+ binaryData) for the DATA column.
std::int64_t data_count(const json& object);

}  // namespace orkest::model::kinds
