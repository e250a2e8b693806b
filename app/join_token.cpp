#include "app/join_token.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace orkest::app {

join_token_result join_token(const config& c) {
  if (!c.api_token.empty()) return {c.api_token, {}};
  const std::string path = c.data_dir + "/join-token";
  std::ifstream existing(path);
  std::string token;
  if (existing && std::getline(existing, token) && token.size() >= 32) return {token, {}};

  unsigned char random[24];
  if (RAND_bytes(random, sizeof random) != 1) return {{}, "cannot make a join token: no randomness"};
  static const char hex[] = "0123456789abcdef";
  token.clear();
  for (unsigned char byte : random) token += std::string{hex[byte >> 4], hex[byte & 15]};
  std::error_code ignored;
  std::filesystem::create_directories(c.data_dir, ignored);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return {{}, "cannot write " + path + ": " + std::strerror(errno)};
  const std::string line = token + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) return {{}, "cannot write " + path};
  return {token, {}};
}

}  // namespace orkest::app
