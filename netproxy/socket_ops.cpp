#include "netproxy/socket_ops.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace orkest::netproxy {

namespace {

bool make_address(const std::string& host, uint16_t port, sockaddr_in& out) {
  std::memset(&out, 0, sizeof out);
  out.sin_family = AF_INET;
  out.sin_port = htons(port);
  return ::inet_pton(AF_INET, host.c_str(), &out.sin_addr) == 1;
}

std::string failure(const std::string& address, uint16_t port, int error) {
  return address + ":" + std::to_string(port) + ": " + std::strerror(error);
}

}  // namespace

std::variant<unique_fd, std::string> open_listening_socket(const std::string& address, uint16_t port) {
  sockaddr_in addr{};
  if (!make_address(address, port, addr)) return failure(address, port, EINVAL) + " (not an IPv4 address)";

  unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return failure(address, port, errno);
  // A restarted orkest must be able to rebind its service ports while old connections linger
  // in TIME_WAIT.
  int one = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) return failure(address, port, errno);
  detect_vanished_peer(fd.get());  // inherited by every accepted client
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
    return failure(address, port, errno);
  if (::listen(fd.get(), SOMAXCONN) != 0) return failure(address, port, errno);
  return fd;
}

uint16_t local_port(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  return ntohs(addr.sin_port);
}

unique_fd accept_client(int listening_fd, uint32_t* peer) {
  sockaddr_in from{};
  socklen_t size = sizeof from;
  unique_fd client(::accept4(listening_fd, reinterpret_cast<sockaddr*>(&from), &size, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (peer) *peer = client && from.sin_family == AF_INET ? from.sin_addr.s_addr : 0;
  return client;
}

uint32_t local_address(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0 || addr.sin_family != AF_INET) return 0;
  return addr.sin_addr.s_addr;
}

namespace {

// Binds the socket to a foreign address (port chosen by the kernel), so the backend sees it.
bool bind_foreign_source(int fd, uint32_t source) {
  int one = 1;
  if (::setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof one) != 0) return false;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_addr.s_addr = source;
  return ::bind(fd, reinterpret_cast<const sockaddr*>(&from), sizeof from) == 0;
}

}  // namespace

int start_connect(const backend& target, unique_fd& out, uint32_t source, bool* source_kept) {
  sockaddr_in addr{};
  if (!make_address(target.host, target.port, addr)) return EINVAL;
  unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return errno;
  if (source != 0) {
    bool kept = bind_foreign_source(fd.get(), source);
    if (!kept) fd = unique_fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));  // unbound again
    if (!fd) return errno;
    if (source_kept) *source_kept = kept;
  }
  set_no_delay(fd.get());
  detect_vanished_peer(fd.get());
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    return errno;
  }
  out = std::move(fd);
  return 0;
}

int pending_error(int fd) {
  int error = 0;
  socklen_t len = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) return errno;
  return error;
}

void detect_vanished_peer(int fd) {
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &keepalive_idle_seconds, sizeof keepalive_idle_seconds);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &keepalive_interval_seconds, sizeof keepalive_interval_seconds);
  ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &peer_silence_limit_ms, sizeof peer_silence_limit_ms);
}

void set_no_delay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace orkest::netproxy
