#pragma once
// How much of a request's head (request line and headers) one connection has sent, counted as
// the bytes arrive and before any parsing: Pistache 0.0.5 parses a request head again from its
// start on every read, so a megabyte of headers cost seconds of a worker thread. The meter
// looks at each byte once and says as soon as the head is over its limit.

#include <cstddef>

namespace orkest::api::http {

class request_head_meter {
 public:
  enum class verdict {
    ok,                // within the limit so far (or the head is complete)
    uri_too_long,      // the request line alone is over the limit: 414
    headers_too_large  // the request line and headers are over the limit: 431
  };

  explicit request_head_meter(std::size_t limit) : limit_(limit) {}

  // The next bytes the connection sent. Bytes after the head (a body) are not counted: the
  // body has its own limit.
  verdict feed(const char* data, std::size_t size);
  // The current request was answered: the next bytes begin a new head.
  void next_request();
  bool head_complete() const { return state_ == state::body; }
  // Whether part of a request has arrived since the last one was answered.
  bool started() const { return state_ != state::request_line || counted_ > 0; }

 private:
  enum class state { request_line, headers, body };
  std::size_t limit_;
  std::size_t counted_ = 0;
  state state_ = state::request_line;
  // The last bytes of the head, to find "\r\n\r\n" across reads ("\n\n" is accepted too).
  unsigned tail_ = 0;
};

}  // namespace orkest::api::http
