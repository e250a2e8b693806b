#include "netproxy/relay.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace orkest::netproxy {

namespace {

constexpr std::size_t chunk_size = 64 * 1024;  // also the default pipe capacity
constexpr int chunks_per_pump = 8;

// EINTR counts as "try again later": level-triggered epoll will report the socket again.
bool transient(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

}  // namespace

// A read that returned less than asked for has almost certainly emptied the socket; another
// read would only return EAGAIN. Stopping here saves that syscall on every small message, and
// costs nothing when more did arrive meanwhile: epoll is level-triggered and reports it.
relay::step relay::drained_if_short(ssize_t got) {
  return static_cast<std::size_t>(got) < chunk_size ? step::blocked : step::progress;
}

bool relay::pump() {
  if (finished_) return true;
  // End of stream is only ever seen by a read, and reads happen only with nothing pending, so
  // once `eof_` is set everything read has been written.
  for (int round = 0; round < chunks_per_pump && !eof_; ++round) {
    step s = pending() > 0 ? flush() : move_chunk();
    if (s == step::failed) return false;
    if (s == step::blocked) return true;
  }
  if (eof_) {
    // The peer may already be gone (ENOTCONN); the FIN has nowhere to go then, which is fine.
    ::shutdown(to_, SHUT_WR);
    finished_ = true;
  }
  return true;
}

relay::step relay::move_chunk() {
  if (!splicing() && !pipe_refused_ && carried_ >= splice_after) try_open_pipe();
  return splicing() ? splice_chunk() : copy_chunk();
}

void relay::try_open_pipe() {
  int fds[2];
  if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    pipe_refused_ = true;
    return;
  }
  pipe_read_.reset(fds[0]);
  pipe_write_.reset(fds[1]);
}

relay::step relay::copy_chunk() {
  // One scratch buffer per thread: the engine has a single thread, and a chunk never stays in
  // it across calls (leftovers are stashed below).
  thread_local std::unique_ptr<char[]> scratch;
  if (!scratch) scratch = std::make_unique<char[]>(chunk_size);

  ssize_t got = ::recv(from_, scratch.get(), chunk_size, 0);
  if (got == 0) {
    eof_ = true;
    return step::progress;
  }
  if (got < 0) return transient(errno) ? step::blocked : step::failed;
  carried_ += static_cast<uint64_t>(got);

  ssize_t sent = ::send(to_, scratch.get(), static_cast<std::size_t>(got), MSG_NOSIGNAL);
  if (sent < 0) {
    if (!transient(errno)) return step::failed;
    sent = 0;
  }
  if (sent == got) return drained_if_short(got);
  std::size_t rest = static_cast<std::size_t>(got - sent);
  stash_ = std::make_unique<char[]>(rest);
  std::memcpy(stash_.get(), scratch.get() + sent, rest);
  stash_begin_ = 0;
  stash_end_ = rest;
  return step::blocked;  // the sink is full; wait until it is writable
}

relay::step relay::splice_chunk() {
  ssize_t got = ::splice(from_, nullptr, pipe_write_.get(), nullptr, chunk_size, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (got == 0) {
    eof_ = true;
    return step::progress;
  }
  // The pipe is empty here, so EAGAIN means the socket has nothing to read.
  if (got < 0) return transient(errno) ? step::blocked : step::failed;
  carried_ += static_cast<uint64_t>(got);
  in_pipe_ = static_cast<std::size_t>(got);
  // No drained_if_short() here: a splice stops short whenever the pipe runs out of slots,
  // which says nothing about the socket, and spliced flows are bulk anyway.
  return flush();
}

relay::step relay::flush() {
  ssize_t n;
  if (in_pipe_ > 0) {
    n = ::splice(pipe_read_.get(), nullptr, to_, nullptr, in_pipe_, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n < 0) return transient(errno) ? step::blocked : step::failed;
    in_pipe_ -= static_cast<std::size_t>(n);
  } else {
    n = ::send(to_, stash_.get() + stash_begin_, stash_end_ - stash_begin_, MSG_NOSIGNAL);
    if (n < 0) return transient(errno) ? step::blocked : step::failed;
    stash_begin_ += static_cast<std::size_t>(n);
    if (stash_begin_ == stash_end_) {
      stash_.reset();
      stash_begin_ = stash_end_ = 0;
    }
  }
  return pending() > 0 ? step::blocked : step::progress;
}

}  // namespace orkest::netproxy
