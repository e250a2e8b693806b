#pragma once
// One proxied client: first a non-blocking connect walking the backend plan (each retry follows
// the listener's current backend set), then two relays
// (client->backend and backend->client) until both have delivered their FIN.
//
// Lives on the engine thread only; the engine owns it and destroys it when a call returns
// `status::closed`. It owns its two sockets, so replacing the listener's backend set never
// touches it.

#include <sys/epoll.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "netproxy/listener_state.hpp"
#include "netproxy/poller.hpp"
#include "netproxy/relay.hpp"
#include "netproxy/round_robin.hpp"
#include "netproxy/unique_fd.hpp"

namespace orkest::netproxy {

class connection {
 public:
  enum class status { connecting, open, closed };

  connection(uint64_t id, std::shared_ptr<listener_state> listener, unique_fd client, backend_plan plan,
             client_route route, poller& poller);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Starts connecting to the first backend of the plan.
  status start();
  // Readiness reported by epoll on the client or the backend socket.
  status on_event(fd_kind side, uint32_t events);
  // The connect numbered `attempt` is past its deadline (stale deadlines are ignored).
  status on_connect_timeout(uint64_t attempt);
  // The listener's backend set changed: a connect to a backend no longer in it moves on.
  status on_backends_changed();

  uint64_t listener_id() const { return listener_->id; }

  // Numbers connect attempts so the engine can tell a deadline for this attempt from one for
  // an earlier, already failed attempt.
  uint64_t attempt() const { return attempt_; }

 private:
  // What a socket is registered for in epoll. A socket with nothing to wait for is removed
  // entirely: epoll reports EPOLLHUP/EPOLLERR even for an empty mask, which would spin.
  struct registration {
    bool added = false;
    uint32_t events = 0;
  };

  status connect_next();
  status on_connected();
  status shuffle(fd_kind side, uint32_t events);
  bool watch(const unique_fd& fd, fd_kind side, registration& reg, uint32_t wanted);
  bool update_interest();
  void drop_backend();

  uint64_t id_;
  // Shared with the listener (which it may outlive): its counters, and its current backend set
  // for retries.
  std::shared_ptr<listener_state> listener_;
  listener_counters& counters_;
  poller& poller_;
  backend_plan plan_;
  client_route route_;
  uint64_t attempt_ = 0;
  bool connecting_ = true;

  unique_fd client_;
  unique_fd backend_;
  backend target_;  // the backend of the current (or last) connect attempt
  registration client_reg_;
  registration backend_reg_;

  // Present once the backend is connected.
  std::optional<relay> upstream_;    // client -> backend
  std::optional<relay> downstream_;  // backend -> client
};

}  // namespace orkest::netproxy
