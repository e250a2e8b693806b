#pragma once
// Small file-system steps the volume code shares. Each returns an error text ("" when done)
// naming the path and the system's reason; none follows a symlink it did not ask for.

#include <cstdint>
#include <map>
#include <string>

namespace orkest::volumes {

// mkdir -p: every missing folder of `path` made with `mode` (then chmod, the umask aside).
std::string make_dirs(const std::string& path, unsigned mode);

// The whole tree at `path` (symlinks removed, not followed; other file systems mounted
// inside left alone, so their mount point remains and is reported). Absent: done.
std::string remove_tree(const std::string& path);

// Writes `content` to a new file at `path` with `mode` (exactly, not masked).
std::string write_file(const std::string& path, const std::string& content, unsigned mode);

// A regular file's bytes and permission bits.
struct file_entry {
  std::string content;
  unsigned mode = 0;
};
// The regular files under `dir`, by their path relative to it; symlinks are not followed.
std::map<std::string, file_entry> read_tree(const std::string& dir);

// Another file system is mounted at `path` (it is a mount point).
bool is_mount_point(const std::string& path);

// `path` with its symlinks resolved, or "" when it does not exist.
std::string resolved(const std::string& path);

// `path` is `root` or inside it (both resolved paths).
bool is_within(const std::string& path, const std::string& root);

}  // namespace orkest::volumes
