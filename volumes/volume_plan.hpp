#pragma once
// What a pod's volumes are on this host, decided from the pod spec (control/pod_volumes.hpp)
// and made real by volumes/pod_volume_host.hpp. Plain values: no JSON, no CAF.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace orkest::volumes {

// One file of a configMap or secret volume: its path inside the volume (relative, no ".."),
// its bytes and its permission bits.
struct payload_file {
  std::string path;
  std::string content;
  unsigned mode = 0644;
};

enum class volume_type {
  empty_dir,   // a folder of the pod's own, on disk or (memory) a tmpfs of `size_limit_bytes`
  host_path,   // a path of the host, checked against `host_path_type`
  projected,   // a configMap or secret: `files`, replaced all at once when they change
};

struct volume_setup {
  std::string name;  // the volume's name in the pod spec
  volume_type type = volume_type::empty_dir;
  std::string path;  // where it is on the host
  // empty_dir, projected: a tmpfs instead of disk (medium: Memory; secrets always, as the
  // kubelet keeps them off disk). 0: tmpfs' own default size.
  bool memory = false;
  std::int64_t size_limit_bytes = 0;
  // host_path: "", Directory, DirectoryOrCreate, File, FileOrCreate, Socket, CharDevice,
  // BlockDevice (Kubernetes' HostPathType).
  std::string host_path_type;
  std::vector<payload_file> files;  // projected
  // securityContext.fsGroup: the volume's files belong to this group (not for host_path).
  std::optional<std::int64_t> fs_group;
};

// A volumeMount with a subPath: the folder `sub_path` inside the volume at `volume_path` must
// exist (it is made in a writable volume) and must not lead out of it through a symlink.
struct sub_path_setup {
  std::string volume_path;
  std::string sub_path;
  bool create = false;
};

struct pod_volume_plan {
  std::string pod_dir;  // the pod's own folder on the host (<data dir>/pods/<uid>)
  std::vector<volume_setup> volumes;
  std::vector<sub_path_setup> sub_paths;
  // The file the container's terminationMessagePath is bound to: made empty and writable by
  // any user when absent; empty: none.
  std::string termination_log;
};

}  // namespace orkest::volumes
