#pragma once
// Where a response goes when it is not returned at once: watches and followed logs answer
// later, from an actor or a thread, in chunks. The HTTP server provides one per request
// (pistache_sink); tests use a recording one. Every member is safe to call from any thread,
// one writer at a time.

#include <atomic>
#include <functional>
#include <string>

#include "api/http_exchange.hpp"

namespace orkest::api {

class response_sink {
 public:
  virtual ~response_sink() = default;

  // Answers with one whole response. false when the client is gone or it was answered already.
  virtual bool send(const http_response& response) = 0;
  // Starts a chunked response: status line and headers go out at once.
  virtual bool begin_stream(int code, const std::string& content_type) = 0;
  // Writes one chunk at once. false: the client is gone (or the server stopping), stop producing.
  virtual bool write(const std::string& chunk) = 0;
  // Ends the chunked response (the zero-length chunk); later writes fail.
  virtual void end() = 0;

  // Set once the exchange is over: the client disconnected, the server stops, or end()/send().
  // Blocking producers poll it.
  virtual const std::atomic<bool>& closed() const = 0;
  bool open() const { return !closed().load(); }
  // Called once, from any thread, when the client disconnects or the server stops; at once when
  // that already happened. Not called after end() or send().
  virtual void on_close(std::function<void()> callback) = 0;
};

}  // namespace orkest::api
