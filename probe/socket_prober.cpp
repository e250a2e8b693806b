// The real network prober: one thread, one epoll instance, a non-blocking socket per check in
// flight, a deadline per check, and the schedules of the periodic probes.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "netproxy/poller.hpp"
#include "netproxy/socket_ops.hpp"
#include "netproxy/unique_fd.hpp"
#include "probe/network_prober.hpp"

namespace orkest::probe {
namespace {

using clock = std::chrono::steady_clock;
using netproxy::unique_fd;

// Checks due within this window are made together, a little early: the thread wakes a few
// times a second for a hundred pods instead of once per check (each wake-up is a context switch,
// which cost more than the checks' own system calls).
constexpr auto batching_window = std::chrono::milliseconds(100);

// At most this much of an answer is read: the status line is all a probe needs.
constexpr std::size_t max_answer_bytes = 4096;

// A plain non-blocking connect: a probe's connection lives a moment, so none of the proxy's
// socket options (keep-alive, no delay) are worth their system calls. 0 or the errno.
int connect_to(const network_check& what, unique_fd& out) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(what.port);
  if (::inet_pton(AF_INET, what.ip.c_str(), &addr.sin_addr) != 1) return EINVAL;
  unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return errno;
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS)
    return errno;
  out = std::move(fd);
  return 0;
}

class socket_prober final : public network_prober {
 public:
  socket_prober() : wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (!wake_) throw std::system_error(errno, std::generic_category(), "eventfd");
    poller_.add(wake_.get(), EPOLLIN, {0, netproxy::fd_kind::wake});
    thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "orkest-prober");  // tells its CPU apart in top -H
      run();
    });
  }

  ~socket_prober() override {
    stopping_ = true;
    wake();
    thread_.join();
  }

  void check(network_check what, completion done) override {
    submit(one_off{std::move(what), std::move(done)});
  }

  schedule_id start(network_check what, std::chrono::milliseconds initial_delay, std::chrono::milliseconds period,
                    completion on_result) override {
    const schedule_id id = next_schedule_id_++;
    submit(schedule_start{id, std::move(what), initial_delay, period, std::move(on_result)});
    return id;
  }

  void stop(schedule_id id) override { submit(schedule_stop{id}); }

 private:
  struct one_off {
    network_check what;
    completion done;
  };
  struct schedule_start {
    schedule_id id;
    network_check what;
    std::chrono::milliseconds initial_delay, period;
    completion on_result;
  };
  struct schedule_stop {
    schedule_id id;
  };
  using request = std::variant<one_off, schedule_start, schedule_stop>;

  struct schedule {
    network_check what;
    std::chrono::milliseconds period;
    completion on_result;
    clock::time_point due;
    bool checking = false;  // a check is out: a due time meanwhile is skipped
  };
  struct in_flight {
    network_check what;
    completion done;          // one-off checks
    schedule_id schedule = 0;  // periodic ones
    unique_fd fd;
    std::string request;  // still to send (http)
    std::string answer;   // received so far (http)
    bool connected = false;
    clock::time_point deadline;
  };

  void wake() {
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
  }

  void submit(request r) {
    {
      std::lock_guard<std::mutex> lock(requests_mutex_);
      requests_.push_back(std::move(r));
    }
    wake();
  }

  void run() {
    std::vector<epoll_event> events(64);
    while (!stopping_) {
      int n = poller_.wait(events.data(), static_cast<int>(events.size()), next_timeout_ms());
      for (int i = 0; i < n; ++i) {
        auto t = netproxy::token::decode(events[i].data.u64);
        if (t.kind == netproxy::fd_kind::wake) take_requests();
        else advance(t.id, events[i].events);
      }
      const auto now = clock::now();
      expire(now);
      run_due(now + batching_window);
    }
  }

  void take_requests() {
    uint64_t count;
    [[maybe_unused]] auto n = ::read(wake_.get(), &count, sizeof count);
    std::vector<request> batch;
    {
      std::lock_guard<std::mutex> lock(requests_mutex_);
      batch.swap(requests_);
    }
    for (auto& r : batch) {
      if (auto* check = std::get_if<one_off>(&r)) {
        begin(std::move(check->what), std::move(check->done), 0);
      } else if (auto* started = std::get_if<schedule_start>(&r)) {
        const auto due = clock::now() + started->initial_delay;
        schedules_[started->id] = {std::move(started->what), started->period, std::move(started->on_result), due};
        due_.emplace(due, started->id);
      } else if (auto* stopped = std::get_if<schedule_stop>(&r)) {
        auto it = schedules_.find(stopped->id);
        if (it == schedules_.end()) continue;
        due_.erase({it->second.due, stopped->id});
        schedules_.erase(it);  // a check still out finds no schedule and delivers nothing
      }
    }
  }

  void run_due(clock::time_point horizon) {
    const auto now = clock::now();
    while (!due_.empty() && due_.begin()->first <= horizon) {
      const auto [when, id] = *due_.begin();
      due_.erase(due_.begin());
      auto it = schedules_.find(id);
      if (it == schedules_.end()) continue;
      auto& s = it->second;
      // The next one on the period's beat; a beat missed (a stalled thread) is not made up.
      s.due = std::max(when + s.period, now);
      due_.emplace(s.due, id);
      if (s.checking) continue;
      s.checking = true;
      begin(s.what, nullptr, id);
    }
  }

  void begin(network_check what, completion done, schedule_id schedule) {
    in_flight check{std::move(what), std::move(done), schedule, {}, {}, {}, false, {}};
    check.deadline = clock::now() + check.what.timeout;
    if (int error = connect_to(check.what, check.fd); error != 0)
      return deliver(check, {false, connect_failure(check.what, error)});
    if (check.what.type == network_check::kind::http) check.request = http_request(check.what);
    const uint64_t id = next_check_id_++;
    // One registration for the whole check, edge-triggered: writable once connected (an HTTP
    // probe sends at once), then readable when the answer comes; no epoll_ctl in between.
    if (int error = poller_.add(check.fd.get(), EPOLLOUT | EPOLLIN | EPOLLET, {id, netproxy::fd_kind::backend});
        error != 0)
      return deliver(check, {false, connect_failure(check.what, error)});
    deadlines_.emplace(check.deadline, id);
    checks_.emplace(id, std::move(check));
  }

  void deliver(in_flight& check, const probe_outcome& outcome) {
    if (check.done) return check.done(outcome);
    auto it = schedules_.find(check.schedule);
    if (it == schedules_.end()) return;  // stopped meanwhile
    it->second.checking = false;
    it->second.on_result(outcome);
  }

  void finish(uint64_t id, probe_outcome outcome) {
    auto it = checks_.find(id);
    if (it == checks_.end()) return;
    auto check = std::move(it->second);
    checks_.erase(it);
    deadlines_.erase({check.deadline, id});
    // Closed with a reset, as the kubelet's probe dialer does: no FIN exchange and no socket
    // left in TIME_WAIT for each probe (at 200 probes a second, twelve thousand of them).
    const linger reset_on_close{1, 0};
    ::setsockopt(check.fd.get(), SOL_SOCKET, SO_LINGER, &reset_on_close, sizeof reset_on_close);
    // Closing the descriptor takes it out of epoll: no epoll_ctl needed.
    check.fd.reset();
    deliver(check, outcome);
  }

  void advance(uint64_t id, uint32_t events) {
    auto it = checks_.find(id);
    if (it == checks_.end()) return;
    auto& check = it->second;
    if (!check.connected) {
      // A failed connect reports an error (or a hang-up); only then is SO_ERROR worth reading.
      if (events & (EPOLLERR | EPOLLHUP)) {
        const int error = netproxy::pending_error(check.fd.get());
        return finish(id, {false, connect_failure(check.what, error != 0 ? error : ECONNRESET)});
      }
      if (!(events & EPOLLOUT)) return;
      check.connected = true;
      if (check.what.type == network_check::kind::tcp) return finish(id, {true, ""});
    }
    if (!check.request.empty()) {
      ssize_t sent = ::send(check.fd.get(), check.request.data(), check.request.size(), MSG_NOSIGNAL);
      if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        return finish(id, {false, "Get \"" + probe_url(check.what) + "\": write: " + std::strerror(errno)});
      if (sent > 0) check.request.erase(0, static_cast<std::size_t>(sent));
      // The rest when writable again; the answer when readable: either way an edge will say.
      return;
    }
    // Edge-triggered: read until the answer decides or the socket has nothing more for now.
    char buffer[1024];
    for (;;) {
      ssize_t got = ::recv(check.fd.get(), buffer, sizeof buffer, 0);
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      const bool closed = got <= 0;  // end of stream, or a reset: what was read decides
      if (got > 0) check.answer.append(buffer, static_cast<std::size_t>(got));
      auto reading = read_http_answer(check.answer, closed || check.answer.size() >= max_answer_bytes, check.what);
      if (reading.complete) return finish(id, reading.outcome);
    }
  }

  void expire(clock::time_point now) {
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
    auto next = clock::now() + std::chrono::seconds(1);
    if (!deadlines_.empty()) next = std::min(next, deadlines_.begin()->first);
    if (!due_.empty()) next = std::min(next, due_.begin()->first);
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - clock::now()).count();
    return static_cast<int>(std::clamp<long long>(wait + 1, 0, 1000));
  }

  netproxy::poller poller_;
  unique_fd wake_;
  std::atomic<bool> stopping_{false};
  std::atomic<schedule_id> next_schedule_id_{1};
  std::mutex requests_mutex_;
  std::vector<request> requests_;
  // Prober thread only.
  std::unordered_map<uint64_t, in_flight> checks_;
  std::set<std::pair<clock::time_point, uint64_t>> deadlines_;
  std::unordered_map<schedule_id, schedule> schedules_;
  std::set<std::pair<clock::time_point, schedule_id>> due_;
  uint64_t next_check_id_ = 1;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace

std::shared_ptr<network_prober> make_socket_prober() { return std::make_shared<socket_prober>(); }

}  // namespace orkest::probe
