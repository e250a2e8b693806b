#include "netproxy/engine_listener.hpp"

#include <arpa/inet.h>

#include <utility>

#include "netproxy/event_loop.hpp"

namespace orkest::netproxy {

engine_listener::engine_listener(std::shared_ptr<listener_state> state) : state_(std::move(state)) {}

engine_listener::~engine_listener() {
  if (auto loop = state_->loop.lock()) {
    loop->close_listener(*state_);
  } else {
    // The engine is gone and has closed the socket already; this is only belt and braces.
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->fd.reset();
  }
}

void engine_listener::set_session_affinity(std::chrono::seconds timeout) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->chooser.set_affinity(timeout);
  state_->local_chooser.set_affinity(timeout);
}

void engine_listener::set_external_traffic_local(std::optional<external_traffic_local> policy) {
  bool changed;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->local_policy = policy.has_value();
    in_addr internal{};
    state_->internal_address =
        policy && inet_pton(AF_INET, policy->internal_address.c_str(), &internal) == 1 ? internal.s_addr : 0;
    state_->keep_client_address = policy && policy->keep_client_address;
    state_->own_address_for = policy ? policy->own_address_for : std::vector<address_range>{};
    changed = state_->local_chooser.replace(policy ? std::move(policy->local_backends) : std::vector<backend>{});
  }
  if (auto loop = state_->loop.lock(); changed && loop) loop->backends_changed(state_->id);
}

void engine_listener::set_backends(std::vector<backend> backends) {
  bool changed;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    changed = state_->chooser.replace(std::move(backends));
  }
  // Clients still connecting to a backend that left the set move on at once.
  if (auto loop = state_->loop.lock(); changed && loop) loop->backends_changed(state_->id);
}

listener_stats engine_listener::stats() const {
  const listener_counters& c = *state_->counters;
  listener_stats s;
  s.accepted = c.accepted.load();
  s.active = c.active.load();
  s.over_limit = c.over_limit.load();
  s.connect_failures = c.connect_failures.load();
  s.no_backend = c.no_backend.load();
  s.client_address_kept = c.client_address_kept.load();
  return s;
}

uint16_t engine_listener::port() const { return state_->port; }

}  // namespace orkest::netproxy
