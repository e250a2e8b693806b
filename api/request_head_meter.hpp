#pragma once
// How much of a request one connection has sent, counted as the bytes arrive and before any
// parsing: Pistache 0.0.5 parses a request head again from its start on every read, so a
// megabyte of headers cost seconds of a worker thread, and it buffers a chunked body past its
// limit without ever answering. The meter looks at each byte once and says as soon as the head
// or the body is over its limit.

#include <cstddef>
#include <string>

namespace orkest::api {

class request_head_meter {
 public:
  enum class verdict {
    ok,                 // within the limits so far
    uri_too_long,       // the request line alone is over the head limit: 414
    headers_too_large,  // the request line and headers are over the head limit: 431
    body_too_large      // the declared Content-Length, or the bytes after the head, are over
                        // the body limit: 413 (before the head reaches Pistache's parser)
  };

  // `body_limit` 0: bodies are not counted.
  explicit request_head_meter(std::size_t head_limit, std::size_t body_limit = 0)
      : head_limit_(head_limit), body_limit_(body_limit) {}

  // The next bytes the connection sent.
  verdict feed(const char* data, std::size_t size);
  // The current request was answered: the next bytes begin a new head.
  void next_request();
  bool head_complete() const { return state_ == state::body; }
  // Whether part of a request has arrived since the last one was answered.
  bool started() const { return state_ != state::request_line || counted_ > 0; }

 private:
  enum class state { request_line, headers, body };
  std::size_t head_limit_;
  std::size_t body_limit_;
  std::size_t counted_ = 0;  // bytes of the head so far, then of the body
  state state_ = state::request_line;
  // The last bytes of the head, to find "\r\n\r\n" across reads ("\n\n" is accepted too).
  unsigned tail_ = 0;
  // The start of the current header line (enough for a Content-Length), and what it declared.
  std::string line_;
  unsigned long long declared_length_ = 0;
  void end_of_header_line();
};

}  // namespace orkest::api
