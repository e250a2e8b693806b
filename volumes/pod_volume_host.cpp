#include "volumes/pod_volume_host.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "volumes/file_tree.hpp"
#include "volumes/payload_writer.hpp"

namespace orkest::volumes {

namespace {

std::string mount_tmpfs(const std::string& path, unsigned mode, std::int64_t size_bytes) {
  if (is_mount_point(path)) return {};
  char options[96];
  if (size_bytes > 0)
    std::snprintf(options, sizeof options, "mode=%o,size=%lld", mode, static_cast<long long>(size_bytes));
  else
    std::snprintf(options, sizeof options, "mode=%o", mode);
  if (mount("tmpfs", path.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
    return "cannot mount a tmpfs at " + path + ": " + std::strerror(errno);
  return {};
}

std::string give_to_group(const std::string& path, std::int64_t group, unsigned mode) {
  if (chown(path.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(group)) != 0 || chmod(path.c_str(), mode) != 0)
    return "cannot give " + path + " to group " + std::to_string(group) + ": " + std::strerror(errno);
  return {};
}

// emptyDir: world-writable as Kubernetes makes it (any runAsUser may write); with an fsGroup,
// set-group-ID so what is written there belongs to that group.
std::string set_up_empty_dir(const volume_setup& volume) {
  if (auto error = make_dirs(volume.path, 0777); !error.empty()) return error;
  if (volume.memory)
    if (auto error = mount_tmpfs(volume.path, 0777, volume.size_limit_bytes); !error.empty()) return error;
  if (volume.fs_group) return give_to_group(volume.path, *volume.fs_group, 02777);
  return {};
}

std::string set_up_projected(const volume_setup& volume, bool& changed) {
  if (auto error = make_dirs(volume.path, 0755); !error.empty()) return error;
  if (volume.memory)
    if (auto error = mount_tmpfs(volume.path, 0755, volume.size_limit_bytes); !error.empty()) return error;
  auto written = write_payload(volume.path, volume.files, volume.fs_group);
  changed = changed || written.changed;
  return written.error;
}

// The kubelet's hostPath type checks, in its words.
std::string set_up_host_path(const volume_setup& volume) {
  const std::string& path = volume.path;
  const std::string& type = volume.host_path_type;
  struct stat info{};
  bool exists = stat(path.c_str(), &info) == 0;
  // No type: no check, but a missing folder is made, as container runtimes make a missing bind
  // source (podman would refuse to start the container).
  if (!exists && (type == "DirectoryOrCreate" || type.empty())) {
    if (auto error = make_dirs(path, 0755); !error.empty()) return error;
    exists = stat(path.c_str(), &info) == 0;
  }
  if (!exists && type == "FileOrCreate") {
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return "cannot create " + path + ": " + std::strerror(errno);
    close(fd);
    exists = stat(path.c_str(), &info) == 0;
  }
  if (type.empty()) return {};
  if (!exists) return "hostPath type check failed: " + path + " does not exist";
  if ((type == "Directory" || type == "DirectoryOrCreate") && !S_ISDIR(info.st_mode))
    return "hostPath type check failed: " + path + " is not a directory";
  if ((type == "File" || type == "FileOrCreate") && !S_ISREG(info.st_mode))
    return "hostPath type check failed: " + path + " is not a file";
  if (type == "Socket" && !S_ISSOCK(info.st_mode)) return "hostPath type check failed: " + path + " is not a socket file";
  if (type == "CharDevice" && !S_ISCHR(info.st_mode))
    return "hostPath type check failed: " + path + " is not a character device";
  if (type == "BlockDevice" && !S_ISBLK(info.st_mode))
    return "hostPath type check failed: " + path + " is not a block device";
  return {};
}

// A subPath must stay inside its volume once symlinks are resolved: a container could have
// left a link to / there for the next container to be given.
std::string set_up_sub_path(const sub_path_setup& sub) {
  const std::string full = sub.volume_path + "/" + sub.sub_path;
  const std::string root = resolved(sub.volume_path);
  if (sub.create) {
    // Made one part at a time, each checked before the next is made under it.
    std::size_t start = 0;
    while (start <= sub.sub_path.size()) {
      auto slash = sub.sub_path.find('/', start);
      if (slash == std::string::npos) slash = sub.sub_path.size();
      const std::string prefix = sub.volume_path + "/" + sub.sub_path.substr(0, slash);
      if (!is_within(resolved(prefix).empty() ? root : resolved(prefix), root))
        return "subPath \"" + sub.sub_path + "\" leads out of its volume";
      if (mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST) return "cannot make " + prefix + ": " + std::strerror(errno);
      start = slash + 1;
    }
  }
  const std::string target = resolved(full);
  if (target.empty()) return "subPath \"" + sub.sub_path + "\" does not exist in its volume";
  if (!is_within(target, root)) return "subPath \"" + sub.sub_path + "\" leads out of its volume";
  return {};
}

std::vector<std::string> entries_of(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* handle = opendir(dir.c_str())) {
    while (dirent* entry = readdir(handle))
      if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) names.emplace_back(entry->d_name);
    closedir(handle);
  }
  return names;
}

}  // namespace

set_up_result set_up(const pod_volume_plan& plan) {
  set_up_result result;
  for (const auto& volume : plan.volumes) {
    switch (volume.type) {
      case volume_type::empty_dir: result.error = set_up_empty_dir(volume); break;
      case volume_type::projected: result.error = set_up_projected(volume, result.payload_changed); break;
      case volume_type::host_path: result.error = set_up_host_path(volume); break;
    }
    if (!result.error.empty()) {
      result.volume = volume.name;
      return result;
    }
  }
  for (const auto& sub : plan.sub_paths) {
    result.error = set_up_sub_path(sub);
    if (!result.error.empty()) return result;
  }
  if (!plan.termination_log.empty()) {
    const auto slash = plan.termination_log.rfind('/');
    result.error = make_dirs(plan.termination_log.substr(0, slash), 0755);
    if (!result.error.empty()) return result;
    const int fd = open(plan.termination_log.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 || fchmod(fd, 0666) != 0) result.error = "cannot make " + plan.termination_log + ": " + std::strerror(errno);
    if (fd >= 0) close(fd);
  }
  return result;
}

std::string take_termination_message(const std::string& path) {
  constexpr std::size_t max_bytes = 4096;  // the kubelet's limit on a termination message
  const int fd = open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return {};
  std::string message(max_bytes, '\0');
  std::size_t got = 0;
  while (got < max_bytes) {
    const ssize_t n = read(fd, message.data() + got, max_bytes - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  message.resize(got);
  if (ftruncate(fd, 0) != 0) message.clear();  // never the same message for two runs
  close(fd);
  return message;
}

std::string tear_down(const std::string& pod_dir) {
  const std::string volumes = pod_dir + "/volumes";
  for (const auto& plugin : entries_of(volumes))
    for (const auto& name : entries_of(volumes + "/" + plugin)) {
      const std::string path = volumes + "/" + plugin + "/" + name;
      if (is_mount_point(path) && umount2(path.c_str(), MNT_DETACH) != 0)
        return "cannot unmount " + path + ": " + std::strerror(errno);
    }
  return remove_tree(pod_dir);
}

int remove_orphans(const std::string& pods_dir, const std::set<std::string>& live_uids) {
  int removed = 0;
  for (const auto& uid : entries_of(pods_dir))
    if (!live_uids.count(uid) && tear_down(pods_dir + "/" + uid).empty()) ++removed;
  return removed;
}

}  // namespace orkest::volumes
