#include "volumes/file_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace orkest::volumes {

namespace {

std::string failure(const char* what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

// nftw's callback has no context argument: the first error of the current walk goes here.
thread_local std::string walk_error;

int remove_entry(const char* path, const struct stat*, int type, struct FTW*) {
  const int result = type == FTW_DP ? rmdir(path) : unlink(path);
  if (result != 0 && walk_error.empty()) walk_error = failure("cannot remove", path);
  return 0;  // go on: remove what can be removed
}

void read_into(std::map<std::string, file_entry>& out, const std::string& root, const std::string& relative) {
  const std::string dir = relative.empty() ? root : root + "/" + relative;
  std::vector<std::string> names;
  if (DIR* handle = opendir(dir.c_str())) {
    while (dirent* entry = readdir(handle))
      if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) names.emplace_back(entry->d_name);
    closedir(handle);
  }
  for (const auto& name : names) {
    const std::string path = relative.empty() ? name : relative + "/" + name;
    struct stat info{};
    if (lstat((root + "/" + path).c_str(), &info) != 0) continue;
    if (S_ISDIR(info.st_mode)) {
      read_into(out, root, path);
    } else if (S_ISREG(info.st_mode)) {
      const int fd = open((root + "/" + path).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) continue;
      file_entry entry;
      entry.mode = info.st_mode & 07777;
      char buffer[65536];
      ssize_t n;
      while ((n = read(fd, buffer, sizeof buffer)) > 0) entry.content.append(buffer, static_cast<std::size_t>(n));
      close(fd);
      out.emplace(path, std::move(entry));
    }
  }
}

}  // namespace

std::string make_dirs(const std::string& path, unsigned mode) {
  std::string prefix;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    prefix = path.substr(0, slash);
    start = slash == std::string::npos ? path.size() + 1 : slash + 1;
    if (prefix.empty()) continue;
    if (mkdir(prefix.c_str(), mode) == 0) {
      if (chmod(prefix.c_str(), mode) != 0) return failure("cannot set the mode of", prefix);
      continue;
    }
    if (errno != EEXIST) return failure("cannot make", prefix);
    struct stat info{};
    if (stat(prefix.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) return prefix + " is not a directory";
  }
  return {};
}

std::string remove_tree(const std::string& path) {
  struct stat info{};
  if (lstat(path.c_str(), &info) != 0) return errno == ENOENT ? std::string{} : failure("cannot read", path);
  walk_error.clear();
  if (nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0 && walk_error.empty())
    walk_error = failure("cannot walk", path);
  return walk_error;
}

std::string write_file(const std::string& path, const std::string& content, unsigned mode) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return failure("cannot create", path);
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const auto error = failure("cannot write", path);
      close(fd);
      return error;
    }
    written += static_cast<std::size_t>(n);
  }
  if (fchmod(fd, mode) != 0) {
    const auto error = failure("cannot set the mode of", path);
    close(fd);
    return error;
  }
  close(fd);
  return {};
}

std::map<std::string, file_entry> read_tree(const std::string& dir) {
  std::map<std::string, file_entry> out;
  read_into(out, dir, "");
  return out;
}

bool is_mount_point(const std::string& path) {
  struct stat self{}, parent{};
  if (lstat(path.c_str(), &self) != 0 || !S_ISDIR(self.st_mode)) return false;
  if (stat((path + "/..").c_str(), &parent) != 0) return false;
  return self.st_dev != parent.st_dev;
}

std::string resolved(const std::string& path) {
  char buffer[PATH_MAX];
  return realpath(path.c_str(), buffer) ? std::string(buffer) : std::string{};
}

bool is_within(const std::string& path, const std::string& root) {
  if (path.empty() || root.empty()) return false;
  if (root == "/") return path.front() == '/';
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/');
}

}  // namespace orkest::volumes
