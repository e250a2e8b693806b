#include "volumes/payload_writer.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include "volumes/file_tree.hpp"

namespace orkest::volumes {

namespace {

constexpr const char* data_link = "..data";
constexpr const char* data_link_next = "..data_tmp";

// Relative, not empty, no "." or ".." part, no part starting with ".." (the kubelet's own
// names start so).
bool is_safe_path(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string part = path.substr(start, slash - start);
    if (part.empty() || part == "." || part.rfind("..", 0) == 0) return false;
    start = slash + 1;
  }
  return true;
}

std::string top_level(const std::string& path) { return path.substr(0, path.find('/')); }

unsigned effective_mode(unsigned mode, std::optional<std::int64_t> fs_group) {
  return fs_group ? (mode | 0440) : mode;
}

// "..2026_11_30_07_12_01.XXXXXX" made unique by mkdtemp.
std::string new_version_dir(const std::string& dir, std::string& error) {
  char stamp[64];
  const time_t now = time(nullptr);
  struct tm utc{};
  gmtime_r(&now, &utc);
  strftime(stamp, sizeof stamp, "..%Y_%m_%d_%H_%M_%S.XXXXXX", &utc);
  std::string path = dir + "/" + stamp;
  if (!mkdtemp(path.data())) {
    error = std::string("cannot make a folder in ") + dir + ": " + std::strerror(errno);
    return {};
  }
  chmod(path.c_str(), 0755);
  return path;
}

std::string current_version(const std::string& dir) {
  char target[4096];
  const ssize_t n = readlink((dir + "/" + data_link).c_str(), target, sizeof target - 1);
  return n > 0 ? std::string(target, static_cast<std::size_t>(n)) : std::string{};
}

}  // namespace

payload_result write_payload(const std::string& dir, const std::vector<payload_file>& files,
                             std::optional<std::int64_t> fs_group) {
  payload_result result;
  std::map<std::string, file_entry> wanted;
  for (const auto& file : files) {
    if (!is_safe_path(file.path)) {
      result.error = "invalid path in volume: " + file.path;
      return result;
    }
    wanted[file.path] = {file.content, effective_mode(file.mode, fs_group) & 07777};
  }
  const std::string old_version = current_version(dir);
  if (!old_version.empty()) {
    const auto present = read_tree(dir + "/" + old_version);
    const bool same = present.size() == wanted.size() &&
                      std::equal(present.begin(), present.end(), wanted.begin(), [](const auto& a, const auto& b) {
                        return a.first == b.first && a.second.content == b.second.content && a.second.mode == b.second.mode;
                      });
    if (same) return result;
  }

  const std::string version = new_version_dir(dir, result.error);
  if (version.empty()) return result;
  auto fail = [&](std::string error) {
    remove_tree(version);
    result.error = std::move(error);
    return result;
  };
  if (fs_group && chown(version.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(*fs_group)) != 0)
    return fail("cannot give " + version + " to group " + std::to_string(*fs_group) + ": " + std::strerror(errno));
  for (const auto& [path, entry] : wanted) {
    const auto slash = path.rfind('/');
    if (slash != std::string::npos) {
      if (auto error = make_dirs(version + "/" + path.substr(0, slash), 0755); !error.empty()) return fail(error);
    }
    const std::string full = version + "/" + path;
    if (auto error = write_file(full, entry.content, entry.mode); !error.empty()) return fail(error);
    if (fs_group && chown(full.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(*fs_group)) != 0)
      return fail("cannot give " + full + " to group " + std::to_string(*fs_group) + ": " + std::strerror(errno));
  }

  // The switch: a link to the new version renamed over ..data in one step.
  const std::string version_name = version.substr(dir.size() + 1);
  const std::string next = dir + "/" + data_link_next;
  unlink(next.c_str());
  if (symlink(version_name.c_str(), next.c_str()) != 0 || rename(next.c_str(), (dir + "/" + data_link).c_str()) != 0)
    return fail("cannot switch " + dir + " to its new files: " + std::strerror(errno));

  // The names people see: links into ..data for every top-level name, none for names gone.
  std::set<std::string> names;
  for (const auto& [path, entry] : wanted) names.insert(top_level(path));
  for (const auto& name : names) {
    const std::string link = dir + "/" + name;
    struct stat info{};
    if (lstat(link.c_str(), &info) == 0) continue;  // already a link into ..data
    if (symlink((std::string(data_link) + "/" + name).c_str(), link.c_str()) != 0)
      result.error = "cannot link " + link + ": " + std::strerror(errno);
  }
  if (DIR* handle = opendir(dir.c_str())) {
    std::vector<std::string> stale;
    while (dirent* entry = readdir(handle)) {
      const std::string name = entry->d_name;
      if (name.rfind("..", 0) == 0 || name == "." || names.count(name)) continue;
      stale.push_back(name);
    }
    closedir(handle);
    for (const auto& name : stale) unlink((dir + "/" + name).c_str());
  }
  if (!old_version.empty()) remove_tree(dir + "/" + old_version);
  result.changed = true;
  return result;
}

}  // namespace orkest::volumes
