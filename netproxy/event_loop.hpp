#pragma once
// The engine's one thread and everything it owns: the epoll instance, the listener registry,
// the connections and the connect deadlines.
//
// Other threads reach it in two ways only:
//  - the listener registry and each listener's socket/chooser sit behind mutexes, so
//    listen(), set_backends() and listener destruction act directly, synchronously, from the
//    caller's thread (epoll_ctl is thread-safe); the engine thread takes the same locks to
//    accept;
//  - stop() sets a flag and writes to an eventfd to wake epoll_wait.
// Connections and deadlines are touched by the engine thread alone, without locks.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "netproxy/connection.hpp"
#include "netproxy/listener_state.hpp"
#include "netproxy/poller.hpp"
#include "netproxy/unique_fd.hpp"

namespace orkest::netproxy {

class event_loop {
 public:
  event_loop();  // starts the thread; throws std::system_error if the kernel says no
  ~event_loop();
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  // Starts accepting on `state->fd`. Returns an error message when it cannot.
  std::optional<std::string> add_listener(const std::shared_ptr<listener_state>& state);

  // Closes the listening socket before returning. Any thread.
  void close_listener(listener_state& state);

  // The listener's backend set changed: its connects to a backend that left it give up at
  // once instead of at their deadline. Any thread; the engine thread acts on it.
  void backends_changed(uint64_t listener_id);

  // Stops and joins the thread, closes every listener and connection. Idempotent; must not
  // be called from the engine thread.
  void stop();

 private:
  using clock = std::chrono::steady_clock;

  struct connect_deadline {
    clock::time_point when;
    uint64_t connection_id;
    uint64_t attempt;
  };
  // A listener that hit the descriptor limit rests for a moment instead of spinning on a
  // level-triggered accept that keeps failing.
  struct listener_rest {
    clock::time_point until;
    uint64_t listener_id;
  };

  void run();
  void accept_clients(uint64_t listener_id);
  void on_wake();
  void retarget_connects();
  void on_connection_event(token t, uint32_t events);
  // Keeps or drops a connection after a call returned `result`; schedules a deadline when it
  // has started a new connect attempt.
  void settle(uint64_t id, connection::status result, uint64_t attempt_before);
  void expire(clock::time_point now);
  int next_timeout_ms(clock::time_point now) const;
  std::shared_ptr<listener_state> find_listener(uint64_t id);

  poller poller_;
  unique_fd wake_;  // eventfd; written by stop()
  std::atomic<bool> stopping_{false};

  std::mutex changed_mutex_;  // guards changed_listeners_
  std::vector<uint64_t> changed_listeners_;

  std::mutex listeners_mutex_;  // guards listeners_, next_listener_id_, stopped_
  std::unordered_map<uint64_t, std::shared_ptr<listener_state>> listeners_;
  uint64_t next_listener_id_ = 1;
  bool stopped_ = false;

  // Engine thread only.
  std::unordered_map<uint64_t, std::unique_ptr<connection>> connections_;
  uint64_t next_connection_id_ = 1;
  // Every deadline is "now + a fixed delay", so appending keeps each queue sorted.
  std::deque<connect_deadline> connect_deadlines_;
  std::deque<listener_rest> resting_listeners_;

  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace orkest::netproxy
