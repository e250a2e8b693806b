#pragma once
// A pod's volumes made real on this host, as the kubelet's volume manager makes them: folders
// under the pod's own folder, tmpfs mounts for memory-backed ones, configMap and secret files
// written atomically, hostPaths checked against their type. Blocking file-system work: the
// volume actor (actors/volume_actor.hpp) runs it off CAF's scheduler.

#include <set>
#include <string>

#include "volumes/volume_plan.hpp"

namespace orkest::volumes {

// Where the kubelet's plugins keep a pod's volumes, under <pod dir>/volumes/.
inline constexpr const char* empty_dir_plugin = "kubernetes.io~empty-dir";
inline constexpr const char* config_map_plugin = "kubernetes.io~configmap";
inline constexpr const char* secret_plugin = "kubernetes.io~secret";

struct set_up_result {
  std::string volume;  // the volume that failed
  std::string error;   // empty: every volume is ready (and projected files are current)
  bool payload_changed = false;  // some configMap or secret volume got new files
};

// Sets up every volume of `plan`, or brings one already set up up to date (the same plan again
// writes nothing, mounts nothing). Stops at the first volume that fails.
set_up_result set_up(const pod_volume_plan& plan);

// The termination message a container left in `path` (at most 4096 bytes, as the kubelet reads
// it), and the file emptied for its next run. "" when absent or empty.
std::string take_termination_message(const std::string& path);

// Unmounts what set_up mounted under `pod_dir` and removes the folder. "" when gone.
std::string tear_down(const std::string& pod_dir);

// Tears down every pod folder under `pods_dir` whose name (a pod uid) is not in `live_uids`:
// pods deleted while orkest was not running. Returns how many it removed.
int remove_orphans(const std::string& pods_dir, const std::set<std::string>& live_uids);

}  // namespace orkest::volumes
