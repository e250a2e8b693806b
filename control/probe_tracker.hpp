#pragma once
// What one probe of one container says, from its results so far, with the kubelet's rules: a
// verdict changes only after `failureThreshold` failures or `successThreshold` successes in a
// row. Before any result a liveness probe counts as passing (the container is not killed for
// lack of news), a readiness probe as failing (no traffic before the first success), a startup
// probe as undecided. Pure.

#include "control/probe_spec.hpp"

namespace orkest::control {

enum class probe_verdict { unknown, success, failure };

class probe_tracker {
 public:
  explicit probe_tracker(const probe_spec& spec) : spec_(spec), verdict_(initial_verdict(spec.kind)) {}

  // Records one result; true when the verdict changed with it.
  bool record(bool success);
  // A new container: results of the old one no longer count.
  void reset();

  probe_verdict verdict() const { return verdict_; }
  const probe_spec& spec() const { return spec_; }
  // The container must be killed: a liveness or startup probe has failed.
  bool demands_restart() const { return spec_.kind != probe_kind::readiness && verdict_ == probe_verdict::failure; }

  static probe_verdict initial_verdict(probe_kind kind);

 private:
  probe_spec spec_;
  probe_verdict verdict_;
  bool last_success_ = false;
  int run_ = 0;  // results in a row equal to the last
};

}  // namespace orkest::control
