#include "api/http/request_head_meter.hpp"

namespace orkest::api::http {

request_head_meter::verdict request_head_meter::feed(const char* data, std::size_t size) {
  for (std::size_t i = 0; i < size && state_ != state::body; ++i) {
    const char c = data[i];
    if (++counted_ > limit_) return state_ == state::request_line ? verdict::uri_too_long : verdict::headers_too_large;
    if (c == '\n') {
      if (state_ == state::request_line) {
        state_ = state::headers;
        tail_ = 1;  // the request line's own end: a blank line right after it ends the head
      } else if (tail_ >= 1) {
        state_ = state::body;
      } else {
        tail_ = 1;
      }
    } else if (c != '\r') {
      tail_ = 0;
    }
    if (state_ == state::body) counted_ = 0;
  }
  return verdict::ok;
}

void request_head_meter::next_request() {
  state_ = state::request_line;
  counted_ = 0;
  tail_ = 0;
}

}  // namespace orkest::api::http
