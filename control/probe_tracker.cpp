#include "control/probe_tracker.hpp"

namespace orkest::control {

probe_verdict probe_tracker::initial_verdict(probe_kind kind) {
  switch (kind) {
    case probe_kind::liveness: return probe_verdict::success;
    case probe_kind::readiness: return probe_verdict::failure;
    case probe_kind::startup: return probe_verdict::unknown;
  }
  return probe_verdict::unknown;
}

bool probe_tracker::record(bool success) {
  if (run_ > 0 && success == last_success_) ++run_;
  else run_ = 1;
  last_success_ = success;
  const int needed = success ? spec_.success_threshold : spec_.failure_threshold;
  if (run_ < needed) return false;
  const auto verdict = success ? probe_verdict::success : probe_verdict::failure;
  if (verdict == verdict_) return false;
  verdict_ = verdict;
  return true;
}

void probe_tracker::reset() {
  verdict_ = initial_verdict(spec_.kind);
  run_ = 0;
}

}  // namespace orkest::control
