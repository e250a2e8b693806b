#pragma once
// A configMap or secret volume's files, written as the kubelet's AtomicWriter writes them, so a
// program reading the volume never sees half of an update:
//
//   <dir>/..2026_11_30_07_12_01.123456/<files>   this version's files
//   <dir>/..data -> ..2026_11_30_07_12_01.123456 switched with one rename
//   <dir>/<name> -> ..data/<name>                 one link per top-level name
//
// A new version is written only when the files or their modes differ from the current one.

#include <optional>
#include <string>
#include <vector>

#include "volumes/volume_plan.hpp"

namespace orkest::volumes {

struct payload_result {
  bool changed = false;  // a new version was put in place
  std::string error;     // not empty: nothing changed, and why
};

// `files`' paths are relative without ".." (the API checked them; they are checked again).
// With an `fs_group`, files and folders belong to that group and are readable by it.
payload_result write_payload(const std::string& dir, const std::vector<payload_file>& files,
                             std::optional<std::int64_t> fs_group = std::nullopt);

}  // namespace orkest::volumes
