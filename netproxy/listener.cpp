#include <utility>

#include "netproxy/event_loop.hpp"
#include "netproxy/listener_state.hpp"

namespace orkest::netproxy {

listener::listener(std::shared_ptr<impl> state) : state_(std::move(state)) {}

listener::~listener() {
  if (auto loop = state_->loop.lock()) {
    loop->close_listener(*state_);
  } else {
    // The engine is gone and has closed the socket already; this is only belt and braces.
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->fd.reset();
  }
}

void listener::set_session_affinity(std::chrono::seconds timeout) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->chooser.set_affinity(timeout);
}

void listener::set_backends(std::vector<backend> backends) {
  bool changed;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    changed = state_->chooser.replace(std::move(backends));
  }
  // Clients still connecting to a backend that left the set move on at once.
  if (auto loop = state_->loop.lock(); changed && loop) loop->backends_changed(state_->id);
}

listener_stats listener::stats() const {
  const listener_counters& c = *state_->counters;
  listener_stats s;
  s.accepted = c.accepted.load();
  s.active = c.active.load();
  s.over_limit = c.over_limit.load();
  s.connect_failures = c.connect_failures.load();
  s.no_backend = c.no_backend.load();
  return s;
}

uint16_t listener::port() const { return state_->port; }

}  // namespace orkest::netproxy
