#include "netproxy/event_loop.hpp"

#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>
#include <vector>

#include "netproxy/socket_ops.hpp"

namespace orkest::netproxy {

namespace {

constexpr auto connect_timeout = std::chrono::seconds(1);
constexpr auto rest_after_fd_exhaustion = std::chrono::milliseconds(100);
// Accepts per readiness event, so a flood on one port does not starve established traffic.
constexpr int accepts_per_event = 64;
constexpr int events_per_wait = 256;

bool out_of_descriptors(int error) { return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM; }

}  // namespace

event_loop::event_loop() : wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!wake_) throw std::system_error(errno, std::generic_category(), "eventfd");
  if (int error = poller_.add(wake_.get(), EPOLLIN, token{0, fd_kind::wake}))
    throw std::system_error(error, std::generic_category(), "epoll_ctl(eventfd)");
  thread_ = std::thread([this] { run(); });
}

event_loop::~event_loop() { stop(); }

void event_loop::stop() {
  {
    std::lock_guard<std::mutex> lock(listeners_mutex_);
    if (stopped_) return;
    stopped_ = true;  // add_listener refuses from now on
  }
  stopping_ = true;
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof one);
  if (thread_.joinable()) thread_.join();

  // The thread is gone: what it owned can be torn down from here.
  connections_.clear();
  connect_deadlines_.clear();
  resting_listeners_.clear();
  std::unordered_map<uint64_t, std::shared_ptr<listener_state>> listeners;
  {
    std::lock_guard<std::mutex> lock(listeners_mutex_);
    listeners.swap(listeners_);
  }
  for (auto& [id, state] : listeners) {
    std::lock_guard<std::mutex> lock(state->mutex);
    if (state->fd) poller_.remove(state->fd.get());
    state->fd.reset();
  }
}

std::optional<std::string> event_loop::add_listener(const std::shared_ptr<listener_state>& state) {
  std::lock_guard<std::mutex> lock(listeners_mutex_);
  if (stopped_) return std::string("proxy engine is stopped");
  state->id = next_listener_id_++;
  // The registry entry exists before epoll can report the socket, so the first event finds it.
  listeners_.emplace(state->id, state);
  if (int error = poller_.add(state->fd.get(), EPOLLIN, token{state->id, fd_kind::listener})) {
    listeners_.erase(state->id);
    return std::string("epoll_ctl: ") + std::strerror(error);
  }
  return std::nullopt;
}

void event_loop::close_listener(listener_state& state) {
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    if (state.fd) {
      poller_.remove(state.fd.get());
      state.fd.reset();  // the port is free from here on
    }
  }
  std::lock_guard<std::mutex> lock(listeners_mutex_);
  listeners_.erase(state.id);
}

std::shared_ptr<listener_state> event_loop::find_listener(uint64_t id) {
  std::lock_guard<std::mutex> lock(listeners_mutex_);
  auto it = listeners_.find(id);
  return it == listeners_.end() ? nullptr : it->second;
}

void event_loop::run() {
  // Writing to a socket whose peer has gone raises SIGPIPE unless suppressed. send() gets
  // MSG_NOSIGNAL, but splice() has no such flag; blocking the signal in this thread turns it
  // into a plain EPIPE without changing the process-wide disposition.
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
  // Named so `top -H` and /proc/<pid>/task show where proxy CPU time goes.
  pthread_setname_np(pthread_self(), "orkest-proxy");

  std::vector<epoll_event> events(events_per_wait);
  while (!stopping_) {
    int n = poller_.wait(events.data(), events_per_wait, next_timeout_ms(clock::now()));
    if (n < 0 && errno != EINTR) break;  // only on a bug (bad epoll descriptor)
    for (int i = 0; i < n; ++i) {
      token t = token::decode(events[i].data.u64);
      switch (t.kind) {
        case fd_kind::wake:
          on_wake();
          break;
        case fd_kind::listener:
          accept_clients(t.id);
          break;
        case fd_kind::client:
        case fd_kind::backend:
          on_connection_event(t, events[i].events);
          break;
      }
    }
    expire(clock::now());
  }
}

void event_loop::backends_changed(uint64_t listener_id) {
  {
    std::lock_guard<std::mutex> lock(changed_mutex_);
    changed_listeners_.push_back(listener_id);
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof one);
}

void event_loop::on_wake() {
  uint64_t count;
  [[maybe_unused]] ssize_t r = ::read(wake_.get(), &count, sizeof count);
  retarget_connects();
}

void event_loop::retarget_connects() {
  std::vector<uint64_t> changed;
  {
    std::lock_guard<std::mutex> lock(changed_mutex_);
    changed.swap(changed_listeners_);
  }
  if (changed.empty()) return;
  // Backend sets change when pods come and go, rarely next to the traffic, so a pass over
  // every connection is cheap; collected first because settling may erase connections.
  std::vector<uint64_t> ids;
  for (const auto& [id, conn] : connections_)
    if (std::find(changed.begin(), changed.end(), conn->listener_id()) != changed.end()) ids.push_back(id);
  for (uint64_t id : ids) {
    auto it = connections_.find(id);
    uint64_t attempt_before = it->second->attempt();
    settle(id, it->second->on_backends_changed(), attempt_before);
  }
}

namespace {

// externalTrafficPolicy Local: whether the client came from outside (to any address but the
// cluster IP), and then whether its own address can be the backend connection's source.
client_route route_for(const listener_state& state, int client, uint32_t peer) {
  if (!state.local_policy) return {};
  if (state.internal_address != 0 && local_address(client) == state.internal_address) return {};
  const uint32_t host_order = ntohl(peer);
  const bool own_address = !state.keep_client_address || peer == 0 || (host_order >> 24) == 127 ||
                           std::any_of(state.own_address_for.begin(), state.own_address_for.end(),
                                       [&](const address_range& range) { return range.contains(host_order); });
  return {true, own_address ? 0 : peer};
}

}  // namespace

void event_loop::accept_clients(uint64_t listener_id) {
  std::shared_ptr<listener_state> state = find_listener(listener_id);
  if (!state) return;  // closed since epoll_wait returned

  struct accepted_client {
    unique_fd fd;
    backend_plan plan;
    client_route route;
  };
  std::vector<accepted_client> accepted;
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    if (!state->fd) return;
    for (int i = 0; i < accepts_per_event; ++i) {
      uint32_t peer = 0;
      unique_fd client = accept_client(state->fd.get(), &peer);
      if (!client) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (out_of_descriptors(errno)) {
          poller_.modify(state->fd.get(), 0, token{listener_id, fd_kind::listener});
          resting_listeners_.push_back({clock::now() + rest_after_fd_exhaustion, listener_id});
        }
        break;  // EAGAIN: the backlog is empty
      }
      ++state->counters->accepted;
      if (state->counters->active + accepted.size() >= state->max_connections) {
        ++state->counters->over_limit;  // `client` closes as it goes out of scope
        continue;
      }
      const auto route = route_for(*state, client.get(), peer);
      auto& chooser = route.external ? state->local_chooser : state->chooser;
      auto plan = chooser.next_plan(peer, std::chrono::steady_clock::now());
      accepted.push_back({std::move(client), std::move(plan), route});
    }
  }

  for (auto& [client, plan, route] : accepted) {
    uint64_t id = next_connection_id_++;
    auto conn = std::make_unique<connection>(id, state, std::move(client), std::move(plan), route, poller_);
    connection::status result = conn->start();
    connections_.emplace(id, std::move(conn));
    settle(id, result, 0);
  }
}

void event_loop::on_connection_event(token t, uint32_t events) {
  auto it = connections_.find(t.id);
  if (it == connections_.end()) return;  // closed earlier in this batch
  uint64_t attempt_before = it->second->attempt();
  settle(t.id, it->second->on_event(t.kind, events), attempt_before);
}

void event_loop::settle(uint64_t id, connection::status result, uint64_t attempt_before) {
  auto it = connections_.find(id);
  if (result == connection::status::closed) {
    connections_.erase(it);
  } else if (result == connection::status::connecting && it->second->attempt() != attempt_before) {
    connect_deadlines_.push_back({clock::now() + connect_timeout, id, it->second->attempt()});
  }
}

void event_loop::expire(clock::time_point now) {
  while (!connect_deadlines_.empty() && connect_deadlines_.front().when <= now) {
    connect_deadline d = connect_deadlines_.front();
    connect_deadlines_.pop_front();
    auto it = connections_.find(d.connection_id);
    if (it == connections_.end()) continue;
    uint64_t attempt_before = it->second->attempt();
    settle(d.connection_id, it->second->on_connect_timeout(d.attempt), attempt_before);
  }
  while (!resting_listeners_.empty() && resting_listeners_.front().until <= now) {
    uint64_t id = resting_listeners_.front().listener_id;
    resting_listeners_.pop_front();
    if (std::shared_ptr<listener_state> state = find_listener(id)) {
      std::lock_guard<std::mutex> lock(state->mutex);
      if (state->fd) poller_.modify(state->fd.get(), EPOLLIN, token{id, fd_kind::listener});
    }
  }
}

int event_loop::next_timeout_ms(clock::time_point now) const {
  std::optional<clock::time_point> next;
  if (!connect_deadlines_.empty()) next = connect_deadlines_.front().when;
  if (!resting_listeners_.empty() && (!next || resting_listeners_.front().until < *next))
    next = resting_listeners_.front().until;
  if (!next) return -1;
  if (*next <= now) return 0;
  // Rounded up: waking a little early would only find nothing due and wait again.
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - now);
  return static_cast<int>(wait.count());
}

}  // namespace orkest::netproxy
