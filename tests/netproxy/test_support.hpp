#pragma once
// Helpers for the proxy engine tests: a small poll-driven backend server, blocking client
// calls bounded by socket timeouts, and bounded waits. Everything listens and connects on
// 127.0.0.1 only, on ephemeral ports.

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "netproxy/proxy_engine.hpp"
#include "netproxy/unique_fd.hpp"

namespace orkest::netproxy::proxytest {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

// The upper bound of every wait in these tests. Generous: it only matters when a test fails.
constexpr auto patience = 10s;

// `address` in host order: any of 127.0.0.0/8 is this host.
inline sockaddr_in loopback(uint16_t port, in_addr_t address = INADDR_LOOPBACK) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(address);
  return addr;
}

inline uint16_t port_of(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) throw std::runtime_error("getsockname");
  return ntohs(addr.sin_port);
}

// Polls `done` until it holds or `limit` passes. For states that can only be observed (stats,
// descriptor counts), not awaited as an event.
inline bool wait_until(const std::function<bool()>& done, clock::duration limit = patience) {
  auto deadline = clock::now() + limit;
  while (!done()) {
    if (clock::now() >= deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

inline int count_open_fds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) throw std::runtime_error("opendir /proc/self/fd");
  int count = 0;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count - 1;  // the directory's own descriptor
}

// CPU seconds used so far by the engine threads ("orkest-proxy") of this process.
inline double proxy_thread_cpu_seconds() {
  double total = 0;
  DIR* dir = ::opendir("/proc/self/task");
  while (dirent* entry = dir ? ::readdir(dir) : nullptr) {
    if (entry->d_name[0] == '.') continue;
    std::string base = std::string("/proc/self/task/") + entry->d_name;
    std::string comm;
    std::getline(std::ifstream(base + "/comm"), comm);
    if (comm != "orkest-proxy") continue;
    std::string stat;
    std::getline(std::ifstream(base + "/stat"), stat);
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
    std::string skip;
    for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
    unsigned long long utime = 0, stime = 0;
    fields >> utime >> stime;
    total += static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  if (dir) ::closedir(dir);
  return total;
}

// Deterministic bytes, so a receiver can check content, not just length.
inline std::string pattern(std::size_t size, unsigned seed = 0) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 7 + (i >> 13) + seed * 31) & 0xff);
  return out;
}

inline backend local(uint16_t port) { return {"127.0.0.1", port}; }

// A proxy listener on 127.0.0.1 and an ephemeral port; throws if the engine refuses.
inline std::unique_ptr<listener> listen_local(engine& proxy) {
  auto result = proxy.listen("127.0.0.1", 0);
  if (auto* error = std::get_if<std::string>(&result)) throw std::runtime_error(*error);
  return std::move(std::get<std::unique_ptr<listener>>(result));
}

// Tests with hundreds of connections hold both ends of each in this one process; a 1024 soft
// limit would be too tight.
inline void raise_fd_limit(rlim_t wanted = 8192) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
  limit.rlim_cur = std::min(wanted, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

// A thread that is joined whatever way the test leaves the scope (a failed ASSERT returns
// early; a joinable std::thread would terminate the process).
class joining_thread {
 public:
  template <typename F>
  explicit joining_thread(F&& f) : thread_(std::forward<F>(f)) {}
  ~joining_thread() { join(); }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

// --- client side: blocking sockets whose every call gives up after `patience` ---

inline unique_fd connect_to(uint16_t port, int rcvbuf = 0, in_addr_t address = INADDR_LOOPBACK) {
  unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw std::runtime_error("socket");
  timeval tv{std::chrono::duration_cast<std::chrono::seconds>(patience).count(), 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (rcvbuf > 0) ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in addr = loopback(port, address);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
  return fd;
}

inline bool send_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads until `size` bytes, end of stream, an error or the timeout, whichever comes first.
inline std::string read_exactly(int fd, std::size_t size) {
  std::string out;
  char buf[65536];
  while (out.size() < size) {
    ssize_t n = ::recv(fd, buf, std::min(sizeof buf, size - out.size()), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

inline std::string read_to_eof(int fd) { return read_exactly(fd, SIZE_MAX); }

// True once the peer has closed: recv sees end of stream (or a reset) within the timeout.
inline bool sees_eof(int fd) {
  char c;
  ssize_t n;
  do n = ::recv(fd, &c, 1, 0);
  while (n < 0 && errno == EINTR);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

inline std::string read_line(int fd) {
  std::string out;
  char c;
  while (::recv(fd, &c, 1, 0) == 1) {
    if (c == '\n') break;
    out += c;
  }
  return out;
}

// Sends payloads[i] on sockets[i] and reads back until end of stream, all sockets at once
// (a peer that echoes while we still write would otherwise deadlock us), shutting down the
// write side after each payload. Returns what each socket received.
inline std::vector<std::string> exchange_all(const std::vector<unique_fd>& sockets,
                                             const std::vector<std::string>& payloads) {
  std::size_t count = sockets.size();
  std::vector<std::string> received(count);
  std::vector<std::size_t> sent(count, 0);
  std::vector<bool> write_done(count, false), read_done(count, false);
  auto deadline = clock::now() + patience;
  char buf[65536];
  while (clock::now() < deadline) {
    std::vector<pollfd> fds;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < count; ++i) {
      short events = (write_done[i] ? 0 : POLLOUT) | (read_done[i] ? 0 : POLLIN);
      if (events == 0) continue;
      fds.push_back({sockets[i].get(), events, 0});
      index.push_back(i);
    }
    if (fds.empty()) break;
    if (::poll(fds.data(), fds.size(), 100) < 0 && errno != EINTR) break;
    for (std::size_t k = 0; k < fds.size(); ++k) {
      std::size_t i = index[k];
      int fd = sockets[i].get();
      if (!write_done[i] && (fds[k].revents & (POLLOUT | POLLERR | POLLHUP))) {
        ssize_t n = ::send(fd, payloads[i].data() + sent[i], payloads[i].size() - sent[i], MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) sent[i] += static_cast<std::size_t>(n);
        if (n < 0 && errno != EAGAIN && errno != EINTR) write_done[i] = true;
        if (sent[i] == payloads[i].size()) {
          ::shutdown(fd, SHUT_WR);
          write_done[i] = true;
        }
      }
      if (!read_done[i] && (fds[k].revents & (POLLIN | POLLERR | POLLHUP))) {
        ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) received[i].append(buf, static_cast<std::size_t>(n));
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) read_done[i] = true;
      }
    }
  }
  return received;
}

// --- server side ---

// A backend: one thread, poll(), non-blocking sockets.
class test_server {
 public:
  enum class mode {
    echo,            // echoes as it reads; closes after the client's FIN is echoed
    echo_after_eof,  // reads everything, and only after the client's FIN sends it all back
    greet_then_fin,  // sends the greeting, shuts down its write side, reads until FIN
    source,          // sends `source_bytes` of pattern(), then closes
  };
  struct options {
    mode behaviour = mode::echo;
    std::string greeting;  // sent first on every connection (e.g. the server's id)
    std::size_t source_bytes = 0;
    int sndbuf = 0;  // SO_SNDBUF for accepted sockets; 0 leaves the default
  };

  explicit test_server(options opts) : opts_(std::move(opts)) {
    listen_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    sockaddr_in addr = loopback(0);
    if (::bind(listen_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_.get(), SOMAXCONN) != 0)
      throw std::runtime_error("test_server: bind/listen");
    port_ = port_of(listen_.get());
    wake_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    thread_ = std::thread([this] { run(); });
  }
  explicit test_server(mode m, std::string greeting = "") : test_server(options{m, std::move(greeting), 0, 0}) {}

  ~test_server() {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof one);
    thread_.join();
  }

  uint16_t port() const { return port_; }
  std::size_t accepted() const { return accepted_; }
  std::size_t open_connections() const { return open_; }
  uint64_t bytes_received() const { return bytes_received_; }
  uint64_t write_stalls() const { return write_stalls_; }
  uint64_t bytes_sent() const { return bytes_sent_; }

 private:
  struct conn {
    unique_fd fd;
    std::string in;   // held back until FIN (echo_after_eof)
    std::string out;  // waiting to be sent
    std::size_t out_done = 0;
    bool read_eof = false;
    bool fin_sent = false;
  };

  void run() {
    std::vector<std::unique_ptr<conn>> conns;
    char buf[65536];
    for (;;) {
      std::vector<pollfd> fds{{wake_.get(), POLLIN, 0}, {listen_.get(), POLLIN, 0}};
      for (auto& c : conns) {
        short events = (c->read_eof ? 0 : POLLIN) | (c->out_done < c->out.size() ? POLLOUT : 0);
        fds.push_back({c->fd.get(), events, 0});
      }
      if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
      if (fds[0].revents) return;
      if (fds[1].revents & POLLIN) accept_all(conns);
      for (std::size_t i = 2; i < fds.size(); ++i) {
        conn& c = *conns[i - 2];
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) read_some(c, buf, sizeof buf);
        if (fds[i].revents & (POLLOUT | POLLERR)) write_some(c);
      }
      std::vector<std::unique_ptr<conn>> alive;
      for (auto& c : conns) {
        if (!finished(*c)) alive.push_back(std::move(c));
      }
      conns = std::move(alive);  // closes the finished ones before open_ says so
      open_ = conns.size();
    }
  }

  void accept_all(std::vector<std::unique_ptr<conn>>& conns) {
    for (;;) {
      int fd = ::accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      auto c = std::make_unique<conn>();
      c->fd.reset(fd);
      if (opts_.sndbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &opts_.sndbuf, sizeof opts_.sndbuf);
      c->out = opts_.greeting;
      if (opts_.behaviour == mode::source) c->out += pattern(opts_.source_bytes);
      conns.push_back(std::move(c));
      ++accepted_;
      open_ = conns.size();
      write_some(*conns.back());
    }
  }

  void read_some(conn& c, char* buf, std::size_t size) {
    if (c.read_eof) return;
    ssize_t n = ::recv(c.fd.get(), buf, size, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
      c.read_eof = true;
      if (n < 0) c.out_done = c.out.size();  // reset: nothing more can be sent
      if (opts_.behaviour == mode::echo_after_eof && n == 0) {
        c.out += c.in;
        write_some(c);
      }
      return;
    }
    bytes_received_ += static_cast<uint64_t>(n);
    if (opts_.behaviour == mode::echo) {
      c.out.append(buf, static_cast<std::size_t>(n));
      write_some(c);
    } else if (opts_.behaviour == mode::echo_after_eof) {
      c.in.append(buf, static_cast<std::size_t>(n));
    }
  }

  void write_some(conn& c) {
    while (c.out_done < c.out.size()) {
      ssize_t n = ::send(c.fd.get(), c.out.data() + c.out_done, c.out.size() - c.out_done, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN)
          ++write_stalls_;
        else if (errno != EINTR)
          c.out_done = c.out.size();
        if (errno != EINTR) break;
        continue;
      }
      c.out_done += static_cast<std::size_t>(n);
      bytes_sent_ += static_cast<uint64_t>(n);
    }
    if (c.out_done == c.out.size() && opts_.behaviour == mode::greet_then_fin && !c.fin_sent) {
      ::shutdown(c.fd.get(), SHUT_WR);
      c.fin_sent = true;
    }
  }

  bool finished(const conn& c) const {
    bool drained = c.out_done == c.out.size();
    if (opts_.behaviour == mode::source) return drained;
    return c.read_eof && drained;
  }

  options opts_;
  unique_fd listen_;
  unique_fd wake_;
  uint16_t port_ = 0;
  std::atomic<std::size_t> accepted_{0};
  std::atomic<std::size_t> open_{0};
  std::atomic<uint64_t> bytes_received_{0};
  std::atomic<uint64_t> write_stalls_{0};
  std::atomic<uint64_t> bytes_sent_{0};
  std::thread thread_;
};

// A port where nothing listens: the socket is bound (so nobody else takes the port) but not
// listening, so connects to it are refused.
class dead_port {
 public:
  dead_port() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr = loopback(0);
    if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("dead_port: bind");
    port_ = port_of(fd_.get());
  }
  uint16_t port() const { return port_; }

 private:
  unique_fd fd_;
  uint16_t port_ = 0;
};

// A port whose connects neither succeed nor fail: a listener with a full accept queue drops
// SYNs. `stalls()` says whether the kernel really does so here (tests skip the check otherwise).
class stalled_port {
 public:
  stalled_port() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr = loopback(0);
    if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_.get(), 0) != 0)
      throw std::runtime_error("stalled_port: bind/listen");
    port_ = port_of(fd_.get());
    filler_ = connect_to(port_);  // occupies the single queue slot
  }
  uint16_t port() const { return port_; }

  bool stalls() const {
    unique_fd probe(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    sockaddr_in target = loopback(port_);
    ::connect(probe.get(), reinterpret_cast<sockaddr*>(&target), sizeof target);
    pollfd pfd{probe.get(), POLLOUT, 0};
    return ::poll(&pfd, 1, 200) == 0;
  }

 private:
  unique_fd fd_;
  unique_fd filler_;
  uint16_t port_ = 0;
};

}  // namespace orkest::netproxy::proxytest
