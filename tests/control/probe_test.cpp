// A container's probes as read from its spec, and the kubelet's threshold rules.

#include <gtest/gtest.h>

#include "control/probe_spec.hpp"
#include "control/pod_probes.hpp"
#include "control/probe_tracker.hpp"

namespace orkest::control {
namespace {

using nlohmann::json;

TEST(ProbesOf, AppliesKubernetesDefaults) {
  auto probes = probes_of(json::parse(R"({"livenessProbe": {"tcpSocket": {"port": 80}}})"));
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].kind, probe_kind::liveness);
  EXPECT_EQ(probes[0].handler, probe_handler::tcp_socket);
  EXPECT_EQ(probes[0].port, 80);
  EXPECT_EQ(probes[0].initial_delay.count(), 0);
  EXPECT_EQ(probes[0].period.count(), 10);
  EXPECT_EQ(probes[0].timeout.count(), 1);
  EXPECT_EQ(probes[0].success_threshold, 1);
  EXPECT_EQ(probes[0].failure_threshold, 3);
  EXPECT_FALSE(probes[0].termination_grace_period_seconds);
}

TEST(ProbesOf, ReadsEveryFieldAndOrdersStartupFirst) {
  auto probes = probes_of(json::parse(R"({
    "ports": [{"name": "http", "containerPort": 5000}],
    "readinessProbe": {"httpGet": {"path": "health", "port": "http",
                                   "httpHeaders": [{"name": "X-Probe", "value": "1"}]},
                       "initialDelaySeconds": 2, "periodSeconds": 1, "timeoutSeconds": 3,
                       "successThreshold": 2, "failureThreshold": 5},
    "startupProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "terminationGracePeriodSeconds": 4}})"));
  ASSERT_EQ(probes.size(), 2u);
  EXPECT_EQ(probes[0].kind, probe_kind::startup);
  EXPECT_EQ(probes[0].handler, probe_handler::exec);
  EXPECT_EQ(probes[0].command, (std::vector<std::string>{"cat", "/tmp/ready"}));
  EXPECT_EQ(probes[0].termination_grace_period_seconds, 4);
  const auto& ready = probes[1];
  EXPECT_EQ(ready.kind, probe_kind::readiness);
  EXPECT_EQ(ready.port, 5000);        // the named port
  EXPECT_EQ(ready.path, "/health");  // made absolute, as the kubelet's URL does
  ASSERT_EQ(ready.http_headers.size(), 1u);
  EXPECT_EQ(ready.http_headers[0].first, "X-Probe");
  EXPECT_EQ(ready.initial_delay.count(), 2);
  EXPECT_EQ(ready.period.count(), 1);
  EXPECT_EQ(ready.timeout.count(), 3);
  EXPECT_EQ(ready.success_threshold, 2);
  EXPECT_EQ(ready.failure_threshold, 5);
}

TEST(ProbesOf, LeavesOutAProbeWhosePortNamesNoContainerPort) {
  EXPECT_TRUE(probes_of(json::parse(R"({"livenessProbe": {"tcpSocket": {"port": "web"}}})")).empty());
}

probe_spec spec(probe_kind kind, int successes, int failures) {
  probe_spec s;
  s.kind = kind;
  s.success_threshold = successes;
  s.failure_threshold = failures;
  return s;
}

TEST(ProbeTracker, StartsAsTheKubeletDoes) {
  EXPECT_EQ(probe_tracker(spec(probe_kind::liveness, 1, 3)).verdict(), probe_verdict::success);
  EXPECT_EQ(probe_tracker(spec(probe_kind::readiness, 1, 3)).verdict(), probe_verdict::failure);
  EXPECT_EQ(probe_tracker(spec(probe_kind::startup, 1, 3)).verdict(), probe_verdict::unknown);
}

TEST(ProbeTracker, LivenessFailsOnlyAfterFailureThresholdInARow) {
  probe_tracker liveness(spec(probe_kind::liveness, 1, 3));
  EXPECT_FALSE(liveness.record(false));
  EXPECT_FALSE(liveness.record(false));
  EXPECT_FALSE(liveness.record(true));  // the run is broken: counting starts again
  EXPECT_FALSE(liveness.record(false));
  EXPECT_FALSE(liveness.record(false));
  EXPECT_FALSE(liveness.demands_restart());
  EXPECT_TRUE(liveness.record(false));
  EXPECT_EQ(liveness.verdict(), probe_verdict::failure);
  EXPECT_TRUE(liveness.demands_restart());
  liveness.reset();  // the new container starts afresh
  EXPECT_EQ(liveness.verdict(), probe_verdict::success);
  EXPECT_FALSE(liveness.record(false));
}

TEST(ProbeTracker, ReadinessNeedsSuccessThresholdThenFlipsBackOnFailures) {
  probe_tracker readiness(spec(probe_kind::readiness, 2, 1));
  EXPECT_FALSE(readiness.record(true));
  EXPECT_TRUE(readiness.record(true));
  EXPECT_EQ(readiness.verdict(), probe_verdict::success);
  EXPECT_FALSE(readiness.record(true));  // no change, no news
  EXPECT_TRUE(readiness.record(false));
  EXPECT_EQ(readiness.verdict(), probe_verdict::failure);
  EXPECT_FALSE(readiness.demands_restart());  // readiness never kills
}

TEST(ProbeTracker, StartupDecidesEitherWay) {
  probe_tracker started(spec(probe_kind::startup, 1, 2));
  EXPECT_TRUE(started.record(true));
  EXPECT_EQ(started.verdict(), probe_verdict::success);
  probe_tracker never(spec(probe_kind::startup, 1, 2));
  EXPECT_FALSE(never.record(false));
  EXPECT_TRUE(never.record(false));
  EXPECT_TRUE(never.demands_restart());
}

}  // namespace
}  // namespace orkest::control

namespace orkest::control {
namespace {

probe_spec probe(probe_kind kind, int failures = 1) {
  probe_spec s;
  s.kind = kind;
  s.failure_threshold = failures;
  return s;
}

TEST(PodProbes, WithoutProbesAPodIsStartedAndReady) {
  pod_probes none({});
  EXPECT_TRUE(none.started());
  EXPECT_TRUE(none.ready());
}

TEST(PodProbes, StartupHoldsTheOthersOffUntilItSucceeds) {
  pod_probes probes({probe(probe_kind::startup, 3), probe(probe_kind::liveness), probe(probe_kind::readiness)});
  probes.start_run();
  EXPECT_TRUE(probes.due(0));
  EXPECT_FALSE(probes.due(1));
  EXPECT_FALSE(probes.due(2));
  EXPECT_FALSE(probes.ready());
  EXPECT_EQ(probes.record(0, false), probe_consequence::none);
  EXPECT_EQ(probes.record(0, true), probe_consequence::started);
  EXPECT_FALSE(probes.due(0));  // a startup probe is done once it succeeded
  EXPECT_TRUE(probes.due(1));
  EXPECT_TRUE(probes.due(2));
  EXPECT_FALSE(probes.ready());  // readiness has not said yes yet
  EXPECT_EQ(probes.record(2, true), probe_consequence::readiness_changed);
  EXPECT_TRUE(probes.ready());
}

TEST(PodProbes, FailingLivenessOrStartupRestartsFailingReadinessOnlyUnreadies) {
  pod_probes probes({probe(probe_kind::liveness, 2), probe(probe_kind::readiness)});
  probes.start_run();
  EXPECT_EQ(probes.record(1, true), probe_consequence::readiness_changed);
  EXPECT_EQ(probes.record(1, false), probe_consequence::readiness_changed);
  EXPECT_FALSE(probes.ready());
  EXPECT_EQ(probes.record(0, false), probe_consequence::none);
  EXPECT_EQ(probes.record(0, false), probe_consequence::restart);
  pod_probes startup({probe(probe_kind::startup, 1)});
  startup.start_run();
  EXPECT_EQ(startup.record(0, false), probe_consequence::restart);
}

TEST(PodProbes, ANewRunForgetsTheOldResults) {
  pod_probes probes({probe(probe_kind::readiness)});
  probes.start_run();
  const auto first = probes.run();
  probes.record(0, true);
  EXPECT_TRUE(probes.ready());
  probes.start_run();
  EXPECT_NE(probes.run(), first);
  EXPECT_FALSE(probes.ready());
}

}  // namespace
}  // namespace orkest::control
