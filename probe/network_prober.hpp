#pragma once
// Makes HTTP and TCP probes. The real one (socket_prober) runs every probe of the process on
// one thread with non-blocking sockets and epoll, and keeps each probe's schedule itself: no
// process, no thread and no timer message per probe, and the caller never blocks. Results are
// handed to a callback on the prober's thread, which decides what is worth a message.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "probe/network_check.hpp"

namespace orkest::probe {

using completion = std::function<void(const probe_outcome&)>;
using schedule_id = uint64_t;

class network_prober {
 public:
  virtual ~network_prober() = default;
  // One check; `done` is called once, unless the prober is destroyed first.
  virtual void check(network_check what, completion done) = 0;
  // The check every `period`, the first after `initial_delay`, until stop(); a check still out
  // when the next is due makes that one skip. `on_result` sees every result.
  virtual schedule_id start(network_check what, std::chrono::milliseconds initial_delay,
                            std::chrono::milliseconds period, completion on_result) = 0;
  // No result is delivered for `id` once this returns... except one already being delivered
  // on the prober's thread at that moment; callers ignore results they no longer expect.
  virtual void stop(schedule_id id) = 0;
};

// Throws std::system_error when the kernel refuses an epoll instance or a thread.
std::shared_ptr<network_prober> make_socket_prober();

// Stops a schedule when destroyed: the owner of a pod's probes holds one per probe.
class scheduled_probe {
 public:
  scheduled_probe() = default;
  scheduled_probe(std::shared_ptr<network_prober> prober, schedule_id id) : prober_(std::move(prober)), id_(id) {}
  scheduled_probe(scheduled_probe&& other) noexcept : prober_(std::move(other.prober_)), id_(other.id_) {}
  scheduled_probe& operator=(scheduled_probe&& other) noexcept {
    if (this != &other) {
      reset();
      prober_ = std::move(other.prober_);
      id_ = other.id_;
    }
    return *this;
  }
  scheduled_probe(const scheduled_probe&) = delete;
  scheduled_probe& operator=(const scheduled_probe&) = delete;
  ~scheduled_probe() { reset(); }
  void reset() {
    if (prober_) prober_->stop(id_);
    prober_.reset();
  }

 private:
  std::shared_ptr<network_prober> prober_;
  schedule_id id_ = 0;
};

}  // namespace orkest::probe
