#pragma once
// When to try a failed write again, per key, as Kubernetes' controllers' work queues decide
// (client-go's ItemExponentialFailureRateLimiter): the first retry soon, each further failure
// of the same key doubling the wait up to a cap; a success forgets the key. Pure: no clock, no
// actor; the caller schedules the retry.

#include <chrono>
#include <map>
#include <string>

namespace orkest::control {

class retry_backoff {
 public:
  explicit retry_backoff(std::chrono::milliseconds first = std::chrono::milliseconds(100),
                         std::chrono::milliseconds cap = std::chrono::seconds(5))
      : first_(first), cap_(cap) {}

  // The wait before retrying `key` after one more failure.
  std::chrono::milliseconds failed(const std::string& key);
  // `key` succeeded: its next failure starts from the first wait again.
  void succeeded(const std::string& key) { failures_.erase(key); }
  // Failures in a row of `key`.
  int failures(const std::string& key) const;

 private:
  std::chrono::milliseconds first_;
  std::chrono::milliseconds cap_;
  std::map<std::string, int> failures_;
};

}  // namespace orkest::control
