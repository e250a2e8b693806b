#include "api/request_head_meter.hpp"

#include <cctype>

namespace orkest::api {

namespace {
constexpr std::size_t kept_line_bytes = 48;  // "Content-Length:" and 20 digits with spaces
}  // namespace

void request_head_meter::end_of_header_line() {
  static const std::string name = "content-length:";
  if (line_.size() > name.size()) {
    bool matches = true;
    for (std::size_t i = 0; i < name.size() && matches; ++i)
      matches = std::tolower(static_cast<unsigned char>(line_[i])) == name[i];
    unsigned long long value = 0;
    int digits = 0;
    for (std::size_t i = name.size(); matches && i < line_.size(); ++i) {
      const char c = line_[i];
      if (c >= '0' && c <= '9') {
        value = value * 10 + static_cast<unsigned>(c - '0');
        matches = ++digits <= 19;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        matches = false;
      }
    }
    // Anything else is malformed, and Pistache's own check answers it (400).
    if (matches && digits > 0) declared_length_ = value;
  }
  line_.clear();
}

request_head_meter::verdict request_head_meter::feed(const char* data, std::size_t size) {
  std::size_t i = 0;
  for (; i < size && state_ != state::body; ++i) {
    const char c = data[i];
    if (++counted_ > head_limit_)
      return state_ == state::request_line ? verdict::uri_too_long : verdict::headers_too_large;
    if (c == '\n') {
      if (state_ == state::request_line) {
        state_ = state::headers;
        tail_ = 1;  // the request line's own end: a blank line right after it ends the head
        line_.clear();
      } else if (tail_ >= 1) {
        state_ = state::body;
        counted_ = 0;
        if (body_limit_ && declared_length_ > body_limit_) return verdict::body_too_large;
      } else {
        tail_ = 1;
        end_of_header_line();
      }
    } else {
      if (c != '\r') tail_ = 0;
      if (state_ == state::headers && line_.size() < kept_line_bytes) line_ += c;
    }
  }
  if (state_ == state::body) {
    counted_ += size - i;
    if (body_limit_ && counted_ > body_limit_) return verdict::body_too_large;
  }
  return verdict::ok;
}

void request_head_meter::next_request() {
  state_ = state::request_line;
  counted_ = 0;
  tail_ = 0;
  line_.clear();
  declared_length_ = 0;
}

}  // namespace orkest::api
