#pragma once
// The network probes of one pod's container, run on the prober's own schedule, and the filter
// between the prober's thread and the pod actor: a result becomes a message only when it can
// matter (a failure, the first success after one, or any success while the actor waits for
// one), so healthy pods cost their actor no message at all.

#include <atomic>
#include <memory>
#include <vector>

#include "actors/atoms.hpp"
#include "control/probe_spec.hpp"
#include "probe/network_prober.hpp"

namespace orkest::actors {

class network_probe_feed {
 public:
  // `deliver(i, run, success, output)` is called on the prober's thread (it sends a message).
  using deliver_fn = std::function<void(std::size_t, uint64_t, bool, const std::string&)>;

  network_probe_feed(std::shared_ptr<probe::network_prober> prober, deliver_fn deliver)
      : prober_(std::move(prober)), deliver_(std::move(deliver)) {}

  // Starts probe `i` of the container's run `run` at `ip`.
  void start(std::size_t i, uint64_t run, const control::probe_spec& spec, const std::string& ip);
  void stop(std::size_t i);
  void stop_all() { probes_.clear(); }
  // Whether the actor needs every success of probe `i` (its verdict is not success yet).
  void want_successes(std::size_t i, bool wanted);

 private:
  struct filter {
    std::atomic<bool> wants_successes{true};
    bool last_failed = false;  // prober thread only
  };
  struct running {
    std::shared_ptr<filter> gate;
    probe::scheduled_probe schedule;
  };

  std::shared_ptr<probe::network_prober> prober_;
  deliver_fn deliver_;
  std::vector<running> probes_;  // by probe index
};

probe::network_check network_check_for(const control::probe_spec& spec, const std::string& ip);

}  // namespace orkest::actors
