// The real network prober: one thread, one epoll instance, a non-blocking socket per check in
// flight, and a deadline per check.

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <algorithm>
#include <cstring>
#include <set>
#include <system_error>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "netproxy/poller.hpp"
#include "netproxy/proxy_engine.hpp"
#include "netproxy/socket_ops.hpp"
#include "netproxy/unique_fd.hpp"
#include "probe/network_prober.hpp"

namespace orkest::probe {
namespace {

using clock = std::chrono::steady_clock;
using netproxy::unique_fd;

// At most this much of an answer is read: the status line is all a probe needs.
constexpr std::size_t max_answer_bytes = 4096;

class socket_prober final : public network_prober {
 public:
  socket_prober() : wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (!wake_) throw std::system_error(errno, std::generic_category(), "eventfd");
    poller_.add(wake_.get(), EPOLLIN, {0, netproxy::fd_kind::wake});
    thread_ = std::thread([this] { run(); });
  }

  ~socket_prober() override {
    stopping_ = true;
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
    thread_.join();
  }

  void check(network_check what, completion done) override {
    {
      std::lock_guard<std::mutex> lock(submitted_mutex_);
      submitted_.push_back({std::move(what), std::move(done)});
    }
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
  }

 private:
  struct submission {
    network_check what;
    completion done;
  };
  struct in_flight {
    network_check what;
    completion done;
    unique_fd fd;
    std::string request;  // still to send (http)
    std::string answer;   // received so far (http)
    bool connected = false;
    clock::time_point deadline;
  };

  void run() {
    std::vector<epoll_event> events(64);
    while (!stopping_) {
      int n = poller_.wait(events.data(), static_cast<int>(events.size()), next_timeout_ms());
      for (int i = 0; i < n; ++i) {
        auto t = netproxy::token::decode(events[i].data.u64);
        if (t.kind == netproxy::fd_kind::wake) start_submitted();
        else advance(t.id, events[i].events);
      }
      expire();
    }
  }

  void start_submitted() {
    uint64_t count;
    [[maybe_unused]] auto n = ::read(wake_.get(), &count, sizeof count);
    std::vector<submission> batch;
    {
      std::lock_guard<std::mutex> lock(submitted_mutex_);
      batch.swap(submitted_);
    }
    for (auto& s : batch) start(std::move(s));
  }

  void start(submission s) {
    in_flight check{std::move(s.what), std::move(s.done), {}, {}, {}, false, {}};
    check.deadline = clock::now() + check.what.timeout;
    if (int error = netproxy::start_connect({check.what.ip, check.what.port}, check.fd); error != 0)
      return check.done({false, connect_failure(check.what, error)});
    if (check.what.type == network_check::kind::http) check.request = http_request(check.what);
    const uint64_t id = next_id_++;
    if (int error = poller_.add(check.fd.get(), EPOLLOUT, {id, netproxy::fd_kind::backend}); error != 0)
      return check.done({false, connect_failure(check.what, error)});
    deadlines_.emplace(check.deadline, id);
    checks_.emplace(id, std::move(check));
  }

  void finish(uint64_t id, probe_outcome outcome) {
    auto it = checks_.find(id);
    if (it == checks_.end()) return;
    auto check = std::move(it->second);
    checks_.erase(it);
    deadlines_.erase({check.deadline, id});
    poller_.remove(check.fd.get());
    check.fd.reset();
    check.done(outcome);
  }

  void advance(uint64_t id, uint32_t events) {
    auto it = checks_.find(id);
    if (it == checks_.end()) return;
    auto& check = it->second;
    if (!check.connected) {
      if (int error = netproxy::pending_error(check.fd.get()); error != 0)
        return finish(id, {false, connect_failure(check.what, error)});
      if (!(events & EPOLLOUT)) return;
      check.connected = true;
      if (check.what.type == network_check::kind::tcp) return finish(id, {true, ""});
    }
    if (!check.request.empty()) {
      ssize_t sent = ::send(check.fd.get(), check.request.data(), check.request.size(), MSG_NOSIGNAL);
      if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        return finish(id, {false, "Get \"" + probe_url(check.what) + "\": write: " + std::strerror(errno)});
      if (sent > 0) check.request.erase(0, static_cast<std::size_t>(sent));
      if (check.request.empty()) poller_.modify(check.fd.get(), EPOLLIN, {id, netproxy::fd_kind::backend});
      return;
    }
    char buffer[1024];
    bool closed = false;
    for (;;) {
      ssize_t got = ::recv(check.fd.get(), buffer, sizeof buffer, 0);
      if (got > 0) {
        check.answer.append(buffer, static_cast<std::size_t>(got));
        if (check.answer.size() >= max_answer_bytes) break;
        continue;
      }
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      closed = true;  // end of stream, or a reset: what was read decides
      break;
    }
    auto reading = read_http_answer(check.answer, closed || check.answer.size() >= max_answer_bytes, check.what);
    if (reading.complete) finish(id, reading.outcome);
  }

  void expire() {
    const auto now = clock::now();
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      const uint64_t id = deadlines_.begin()->second;
      auto it = checks_.find(id);
      if (it == checks_.end()) {
        deadlines_.erase(deadlines_.begin());
        continue;
      }
      finish(id, {false, timeout_failure(it->second.what)});
    }
  }

  int next_timeout_ms() const {
    if (deadlines_.empty()) return 1000;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadlines_.begin()->first - clock::now()).count();
    return static_cast<int>(std::clamp<long long>(wait + 1, 0, 1000));
  }

  netproxy::poller poller_;
  unique_fd wake_;
  std::atomic<bool> stopping_{false};
  std::mutex submitted_mutex_;
  std::vector<submission> submitted_;
  // Prober thread only.
  std::unordered_map<uint64_t, in_flight> checks_;
  std::set<std::pair<clock::time_point, uint64_t>> deadlines_;
  uint64_t next_id_ = 1;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace

std::shared_ptr<network_prober> make_socket_prober() { return std::make_shared<socket_prober>(); }

}  // namespace orkest::probe
