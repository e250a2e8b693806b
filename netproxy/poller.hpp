#pragma once
// The epoll instance and the tokens stored in its events.
//
// An event carries a token (an id and what the descriptor is), never a pointer: an event
// returned by epoll_wait may refer to a connection or listener that an earlier event of the
// same batch, or another thread, has just destroyed. Looking the id up finds nothing and the
// stale event is dropped, where a pointer would dangle.

#include <sys/epoll.h>

#include <cstdint>

#include "netproxy/unique_fd.hpp"

namespace orkest::netproxy {

enum class fd_kind : uint64_t { wake = 0, listener = 1, client = 2, backend = 3 };

struct token {
  uint64_t id = 0;
  fd_kind kind = fd_kind::wake;

  uint64_t encode() const { return (id << 2) | static_cast<uint64_t>(kind); }
  static token decode(uint64_t raw) { return {raw >> 2, static_cast<fd_kind>(raw & 3)}; }
};

// epoll_ctl may be called from any thread; wait() only from the engine's thread.
class poller {
 public:
  poller();  // throws std::system_error when the kernel refuses an epoll instance

  // These return 0 or the errno of the failure.
  int add(int fd, uint32_t events, token t);
  int modify(int fd, uint32_t events, token t);
  int remove(int fd);

  int wait(epoll_event* events, int max_events, int timeout_ms);

 private:
  unique_fd epoll_;
};

}  // namespace orkest::netproxy
