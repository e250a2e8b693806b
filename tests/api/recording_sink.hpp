#pragma once
// A response_sink that records what a stream wrote, for tests of watches and log streams
// without a socket. Thread-safe; wait_for() waits (bounded) for a condition on what it has.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/response_sink.hpp"

namespace orkest::testing {

class recording_sink : public api::response_sink {
 public:
  struct record {
    std::optional<api::http_response> sent;
    std::optional<int> stream_code;
    std::string content_type;
    std::vector<std::string> chunks;
    bool ended = false;
  };

  bool send(const api::http_response& response) override {
    std::lock_guard lock(mutex_);
    if (closed_ || record_.sent || record_.stream_code) return false;
    record_.sent = response;
    closed_ = true;
    changed_.notify_all();
    return true;
  }
  bool begin_stream(int code, const std::string& content_type) override {
    std::lock_guard lock(mutex_);
    if (closed_ || record_.sent || record_.stream_code) return false;
    record_.stream_code = code;
    record_.content_type = content_type;
    changed_.notify_all();
    return true;
  }
  bool write(const std::string& chunk) override {
    std::lock_guard lock(mutex_);
    if (closed_ || !record_.stream_code) return false;
    record_.chunks.push_back(chunk);
    changed_.notify_all();
    return true;
  }
  void end() override {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    record_.ended = true;
    closed_ = true;
    changed_.notify_all();
  }
  const std::atomic<bool>& closed() const override { return closed_; }
  void on_close(std::function<void()> callback) override {
    std::unique_lock lock(mutex_);
    if (closed_) {
      lock.unlock();
      if (callback && !record_.ended && !record_.sent) callback();
      return;
    }
    on_close_ = std::move(callback);
  }

  // The client goes away.
  void disconnect() {
    std::function<void()> callback;
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      closed_ = true;
      callback = std::move(on_close_);
      changed_.notify_all();
    }
    if (callback) callback();
  }

  record snapshot() const {
    std::lock_guard lock(mutex_);
    return record_;
  }
  std::string body() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& chunk : record_.chunks) out += chunk;
    return out;
  }
  // Waits at most `limit` until `condition` holds for what was recorded.
  bool wait_for(const std::function<bool(const record&)>& condition,
                std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return condition(record_); });
  }
  bool has_close_callback() const {
    std::lock_guard lock(mutex_);
    return static_cast<bool>(on_close_);
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  record record_;
  std::atomic<bool> closed_{false};
  std::function<void()> on_close_;
};

}  // namespace orkest::testing
