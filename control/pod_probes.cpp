#include "control/pod_probes.hpp"

namespace orkest::control {

pod_probes::pod_probes(std::vector<probe_spec> specs) {
  for (auto& spec : specs) trackers_.emplace_back(spec);
}

void pod_probes::start_run() {
  ++run_;
  for (auto& tracker : trackers_) tracker.reset();
}

const probe_tracker* pod_probes::find(probe_kind kind) const {
  for (const auto& tracker : trackers_)
    if (tracker.spec().kind == kind) return &tracker;
  return nullptr;
}

bool pod_probes::started() const {
  const auto* startup = find(probe_kind::startup);
  return !startup || startup->verdict() == probe_verdict::success;
}

bool pod_probes::ready() const {
  const auto* readiness = find(probe_kind::readiness);
  if (!readiness) return started();
  return started() && readiness->verdict() == probe_verdict::success;
}

bool pod_probes::due(std::size_t i) const {
  if (trackers_[i].spec().kind == probe_kind::startup) return !started();
  return started();
}

probe_consequence pod_probes::record(std::size_t i, bool success) {
  auto& tracker = trackers_[i];
  const bool was_ready = ready();
  const bool was_started = started();
  if (!tracker.record(success)) return probe_consequence::none;
  if (tracker.demands_restart()) return probe_consequence::restart;
  if (!was_started && started()) return probe_consequence::started;
  return ready() != was_ready ? probe_consequence::readiness_changed : probe_consequence::none;
}

}  // namespace orkest::control
