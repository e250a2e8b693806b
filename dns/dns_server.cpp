#include "dns/dns_server.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

#include "dns/dns_responder.hpp"

namespace orkest::dns {
namespace {

// Queries are small; 4096 covers any EDNS client. A longer datagram arrives cut short, fails
// to parse and gets FORMERR, which is right for something that is not a query.
constexpr size_t receive_buffer = 4096;
// Datagrams handled per wake-up before poll() looks at the stop descriptor again, so a flood
// cannot delay shutdown.
constexpr int batch = 64;

struct fd_closer {
  int fd = -1;
  ~fd_closer() {
    if (fd >= 0) ::close(fd);
  }
};

std::string os_error(int error) { return std::system_category().message(error); }

}  // namespace

struct dns_server::impl {
  fd_closer socket;
  fd_closer stop;  // eventfd: written once by the destructor, wakes the thread out of poll()
  uint16_t port = 0;

  std::mutex table_mutex;
  // Swapped whole by set_records; the thread takes its own reference per datagram, so a swap
  // never waits for a query and a query never sees half a table.
  std::shared_ptr<const record_table> table = std::make_shared<const record_table>();

  std::thread thread;

  std::shared_ptr<const record_table> current_table() {
    std::lock_guard<std::mutex> lock(table_mutex);
    return table;
  }

  void answer_pending() {
    uint8_t buffer[receive_buffer];
    for (int i = 0; i < batch; ++i) {
      sockaddr_storage peer{};
      socklen_t peer_length = sizeof peer;
      ssize_t n = ::recvfrom(socket.fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&peer), &peer_length);
      if (n < 0) return;  // EAGAIN: drained. Anything else concerns one datagram; poll again.
      auto reply = respond(buffer, static_cast<size_t>(n), *current_table());
      // A reply that cannot be sent now (full buffer) is dropped: the client retries, as UDP
      // clients must anyway.
      if (reply && !reply->empty())
        ::sendto(socket.fd, reply->data(), reply->size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&peer), peer_length);
    }
  }

  void run() {
    pollfd fds[2] = {{socket.fd, POLLIN, 0}, {stop.fd, POLLIN, 0}};
    for (;;) {
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR || errno == ENOMEM) continue;
        return;  // EFAULT/EINVAL: cannot happen with these arguments
      }
      if (fds[1].revents) return;
      if (fds[0].revents) answer_pending();
    }
  }
};

std::variant<std::unique_ptr<dns_server>, std::string> dns_server::start(const std::string& address, uint16_t port) {
  std::string where = "DNS server on UDP " + address + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  addrinfo* resolved = nullptr;
  int gai = ::getaddrinfo(address.c_str(), std::to_string(port).c_str(), &hints, &resolved);
  if (gai != 0) return where + ": not a numeric IP address (" + ::gai_strerror(gai) + ")";
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> resolved_owner(resolved, &::freeaddrinfo);

  auto state = std::make_unique<impl>();
  state->socket.fd = ::socket(resolved->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (state->socket.fd < 0) return where + ": socket: " + os_error(errno);
  // No SO_REUSEADDR: for UDP it would let a second server bind the same port silently.
  if (::bind(state->socket.fd, resolved->ai_addr, resolved->ai_addrlen) != 0) return where + ": bind: " + os_error(errno);

  sockaddr_storage bound{};
  socklen_t bound_length = sizeof bound;
  if (::getsockname(state->socket.fd, reinterpret_cast<sockaddr*>(&bound), &bound_length) != 0)
    return where + ": getsockname: " + os_error(errno);
  state->port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                  : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);

  state->stop.fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (state->stop.fd < 0) return where + ": eventfd: " + os_error(errno);

  impl* raw = state.get();
  std::unique_ptr<dns_server> server(new dns_server(std::move(state)));
  try {
    raw->thread = std::thread([raw] { raw->run(); });
  } catch (const std::system_error& e) {
    return where + ": thread: " + e.what();
  }
  return server;
}

dns_server::dns_server(std::unique_ptr<impl> state) : impl_(std::move(state)) {}

dns_server::~dns_server() {
  uint64_t one = 1;
  // Cannot fail in a way that matters: the counter is far from overflow.
  [[maybe_unused]] ssize_t written = ::write(impl_->stop.fd, &one, sizeof one);
  if (impl_->thread.joinable()) impl_->thread.join();
}

void dns_server::set_records(record_table records) {
  auto fresh = std::make_shared<const record_table>(std::move(records));
  std::lock_guard<std::mutex> lock(impl_->table_mutex);
  impl_->table.swap(fresh);
  // `fresh` now holds the old table. It is released after the lock (declared later, destroyed
  // first), or by the last query still using it.
}

uint16_t dns_server::port() const { return impl_->port; }

}  // namespace orkest::dns
