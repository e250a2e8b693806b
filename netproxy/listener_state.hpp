#pragma once
// What a listener shares between its owner's thread (set_backends, stats, destruction) and
// the engine thread (accepting). The listening descriptor and the chooser are guarded by
// `mutex`; counters are atomics because connections update them after the listener is gone.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "netproxy/proxy_engine.hpp"
#include "netproxy/round_robin.hpp"
#include "netproxy/unique_fd.hpp"

namespace orkest::netproxy {

class event_loop;

// Shared with every connection the listener accepted: they outlive the listener and still
// report into its stats.
struct listener_counters {
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> active{0};
  std::atomic<uint64_t> connect_failures{0};
  std::atomic<uint64_t> no_backend{0};
  std::atomic<uint64_t> over_limit{0};
  std::atomic<uint64_t> client_address_kept{0};
};

// How one accepted client is proxied: which backend set it may use, and the source address of
// its backend connections (network order; 0: this node's own).
struct client_route {
  bool external = false;  // externalTrafficPolicy Local: this node's backends only
  uint32_t source = 0;
};

struct listener_state {
  uint64_t id = 0;  // set by event_loop::add_listener; the epoll token
  uint16_t port = 0;
  std::size_t max_connections = 0;  // clients past this many open connections are closed at once
  std::shared_ptr<listener_counters> counters = std::make_shared<listener_counters>();
  std::weak_ptr<event_loop> loop;  // empty or expired once the engine is gone

  std::mutex mutex;
  // Invalid once closed. Closing happens under `mutex`, and the engine thread accepts under
  // it too, so it never accepts on a descriptor number that has been closed and reused.
  unique_fd fd;
  round_robin chooser;
  // externalTrafficPolicy Local: external clients choose among this node's backends only.
  bool local_policy = false;
  round_robin local_chooser;
  uint32_t internal_address = 0;  // network order; 0: every destination is external
  bool keep_client_address = false;
  std::vector<address_range> own_address_for;

  // The backend set as it is now, for a connection about to try another backend.
  backend_set current_backends(bool external) {
    std::lock_guard<std::mutex> lock(mutex);
    return external ? local_chooser.current() : chooser.current();
  }
};

}  // namespace orkest::netproxy
