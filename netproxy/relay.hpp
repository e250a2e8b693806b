#pragma once
// One direction of a proxied connection: bytes from `from` to `to` until `from` reports end of
// stream, then a FIN on `to` (shutdown SHUT_WR) so the far end sees the half-close while the
// other direction keeps flowing.
//
// The relay never blocks: pump() moves what it can and returns; wants_read()/wants_write()
// then say which readiness the engine must wait for. Reading stops while bytes are pending
// for the sink, which is the backpressure: a slow reader slows its writer down through TCP
// flow control instead of through our memory.
//
// Two ways to move bytes, chosen per direction:
//  - copy: recv into a per-thread scratch buffer and send straight on. Only what the sink
//    refuses is kept, in a buffer of this relay's own, so idle connections hold no memory.
//  - splice: socket -> pipe -> socket inside the kernel, no copy through user space. It needs
//    a pipe (two more descriptors, a pipe2 and two closes), which only pays for bulk flows, so
//    a direction switches to it once it has carried `splice_after` bytes. If no pipe can be
//    had (descriptor limit), the direction simply keeps copying.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "netproxy/unique_fd.hpp"

namespace orkest::netproxy {

class relay {
 public:
  static constexpr uint64_t splice_after = 1024 * 1024;

  relay(int from, int to) : from_(from), to_(to) {}

  // Returns false on an error that ends the whole connection (reset, broken pipe). Moves a
  // bounded number of chunks per call so one busy connection cannot starve the others;
  // level-triggered epoll reports the descriptor again if more is waiting.
  bool pump();

  bool wants_read() const { return !finished_ && !eof_ && pending() == 0; }
  bool wants_write() const { return !finished_ && pending() > 0; }
  bool finished() const { return finished_; }
  bool splicing() const { return pipe_read_.valid(); }

 private:
  enum class step { progress, blocked, failed };

  std::size_t pending() const { return in_pipe_ + (stash_end_ - stash_begin_); }
  step move_chunk();  // reads one chunk and passes it on; called only with nothing pending
  step copy_chunk();
  step splice_chunk();
  step flush();  // writes what is pending
  static step drained_if_short(ssize_t got);
  void try_open_pipe();

  int from_;
  int to_;
  bool eof_ = false;       // `from` has reported end of stream
  bool finished_ = false;  // ... and everything read has been written, FIN sent
  uint64_t carried_ = 0;
  bool pipe_refused_ = false;

  // copy mode: bytes the sink refused
  std::unique_ptr<char[]> stash_;
  std::size_t stash_begin_ = 0;
  std::size_t stash_end_ = 0;

  // splice mode
  unique_fd pipe_read_;
  unique_fd pipe_write_;
  std::size_t in_pipe_ = 0;
};

}  // namespace orkest::netproxy
