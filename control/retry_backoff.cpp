#include "control/retry_backoff.hpp"

#include <algorithm>

namespace orkest::control {

std::chrono::milliseconds retry_backoff::failed(const std::string& key) {
  const int failures = ++failures_[key];
  auto wait = first_;
  for (int i = 1; i < failures && wait < cap_; ++i) wait *= 2;
  return std::min(wait, cap_);
}

int retry_backoff::failures(const std::string& key) const {
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

}  // namespace orkest::control
