#pragma once
// The probes of one pod's container and what their results mean for the pod, with the
// kubelet's rules: a startup probe holds the others off until it succeeds; a liveness or
// startup probe that fails gets the container restarted; readiness decides whether the pod
// takes traffic. A pod without a readiness probe is ready while its container runs; one
// without a startup probe is started. Pure: the pod actor owns the timers and the probing.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "control/probe_tracker.hpp"

namespace orkest::control {

enum class probe_consequence {
  none,
  readiness_changed,  // ready() changed: the pod's status must say so
  started,            // the startup probe succeeded: liveness and readiness begin
  restart,            // a liveness or startup probe failed: kill the container
};

class pod_probes {
 public:
  explicit pod_probes(std::vector<probe_spec> specs);

  // A new run of the container: earlier results no longer count; `run()` identifies it.
  void start_run();
  uint64_t run() const { return run_; }
  // The run was ended by orkest (a kill after a failed probe): no probing until the next.
  void end_run() { ++run_; }

  std::size_t size() const { return trackers_.size(); }
  const probe_spec& spec(std::size_t i) const { return trackers_[i].spec(); }
  probe_verdict verdict(std::size_t i) const { return trackers_[i].verdict(); }

  // Whether probe `i` is to be made now (a startup probe that has succeeded is done; the others
  // wait for it).
  bool due(std::size_t i) const;
  probe_consequence record(std::size_t i, bool success);

  bool ready() const;
  bool started() const;

 private:
  const probe_tracker* find(probe_kind kind) const;

  std::vector<probe_tracker> trackers_;
  uint64_t run_ = 0;
};

}  // namespace orkest::control
