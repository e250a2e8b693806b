// pod_status is a pure function: what a pod's actor observed of its container in, the
// Kubernetes status out.

#include "control/pod_status.hpp"

#include <gtest/gtest.h>

namespace orkest::control {
namespace {

using nlohmann::json;

const json pod = {{"spec", {{"containers", json::array({{{"name", "web"}, {"image", "nginx"}}})}}}};

podman::container_state container(podman::container_status status) {
  podman::container_state c;
  c.id = "abc123";
  c.status = status;
  c.ip = "10.89.0.7";
  c.started_at = "2026-11-22T10:00:05Z";
  if (status == podman::container_status::exited) {
    c.finished_at = "2026-11-22T10:03:00Z";
    c.exit_code = 137;
  }
  return c;
}

pod_observation observed_at_start() {
  pod_observation observed;
  observed.host_ip = "127.0.0.1";
  observed.start_time = "2026-11-22T10:00:00Z";
  return observed;
}

// A pod that started at 10:00:00 and whose container is in `phase`.
pod_observation observed_with(container_phase phase, podman::container_status status) {
  auto observed = observed_at_start();
  observed.phase = phase;
  observed.container = container(status);
  return observed;
}

json condition(const json& status, const std::string& type) {
  for (const auto& c : status["conditions"])
    if (c["type"] == type) return c;
  return nullptr;
}

TEST(pod_status, a_pod_whose_container_is_being_created_is_pending_and_unready_since_it_started) {
  auto status = pod_status(pod, observed_at_start());
  EXPECT_EQ(status["phase"], "Pending");
  EXPECT_EQ(status["containerStatuses"][0]["state"]["waiting"]["reason"], "ContainerCreating");
  EXPECT_EQ(condition(status, "Ready")["status"], "False");
  EXPECT_EQ(condition(status, "Ready")["lastTransitionTime"], "2026-11-22T10:00:00Z");
  EXPECT_FALSE(status.contains("podIP"));
}

TEST(pod_status, a_running_container_makes_the_pod_ready_since_the_container_started) {
  auto status = pod_status(pod, observed_with(container_phase::running, podman::container_status::running));
  EXPECT_EQ(status["phase"], "Running");
  EXPECT_EQ(status["podIP"], "10.89.0.7");
  EXPECT_EQ(condition(status, "Ready")["status"], "True");
  EXPECT_EQ(condition(status, "Ready")["lastTransitionTime"], "2026-11-22T10:00:05Z");
  EXPECT_EQ(condition(status, "ContainersReady")["lastTransitionTime"], "2026-11-22T10:00:05Z");
  EXPECT_EQ(condition(status, "PodScheduled")["lastTransitionTime"], "2026-11-22T10:00:00Z");
}

TEST(pod_status, a_dead_container_about_to_restart_leaves_the_pod_running_but_unready_since_it_died) {
  auto observed = observed_with(container_phase::terminated, podman::container_status::exited);
  observed.restarting = true;
  auto status = pod_status(pod, observed);
  EXPECT_EQ(status["phase"], "Running");
  EXPECT_EQ(status["containerStatuses"][0]["state"]["terminated"]["exitCode"], 137);
  EXPECT_EQ(status["containerStatuses"][0]["ready"], false);
  EXPECT_EQ(condition(status, "Ready")["lastTransitionTime"], "2026-11-22T10:03:00Z");
  EXPECT_FALSE(status.contains("podIP"));
}

TEST(pod_status, a_container_in_back_off_is_unready_since_its_last_run_ended) {
  auto observed = observed_at_start();
  observed.phase = container_phase::waiting;
  observed.reason = "CrashLoopBackOff";
  observed.restart_count = 1;
  observed.last_terminated = container(podman::container_status::exited);
  auto status = pod_status(pod, observed);
  EXPECT_EQ(status["phase"], "Running");
  EXPECT_EQ(status["containerStatuses"][0]["lastState"]["terminated"]["finishedAt"], "2026-11-22T10:03:00Z");
  EXPECT_EQ(condition(status, "Ready")["status"], "False");
  EXPECT_EQ(condition(status, "Ready")["lastTransitionTime"], "2026-11-22T10:03:00Z");
}

TEST(pod_status, a_container_that_exited_for_good_fails_the_pod) {
  auto status = pod_status(pod, observed_with(container_phase::terminated, podman::container_status::exited));
  EXPECT_EQ(status["phase"], "Failed");
  EXPECT_EQ(status["containerStatuses"][0]["state"]["terminated"]["reason"], "Error");
}

}  // namespace
}  // namespace orkest::control

namespace orkest::control {
namespace {

TEST(pod_status, a_running_container_its_readiness_probe_fails_keeps_running_but_is_unready_since_the_probe_said_so) {
  auto observed = observed_with(container_phase::running, podman::container_status::running);
  observed.ready = false;
  observed.ready_since = "2026-11-22T10:01:00Z";
  auto status = pod_status(pod, observed);
  EXPECT_EQ(status["phase"], "Running");
  EXPECT_EQ(status["podIP"], "10.89.0.7");  // still reachable: only Services leave it out
  EXPECT_EQ(status["containerStatuses"][0]["ready"], false);
  EXPECT_EQ(status["containerStatuses"][0]["started"], true);
  EXPECT_EQ(condition(status, "Ready")["status"], "False");
  EXPECT_EQ(condition(status, "ContainersReady")["status"], "False");
  EXPECT_EQ(condition(status, "Ready")["lastTransitionTime"], "2026-11-22T10:01:00Z");
}

TEST(pod_status, a_container_whose_startup_probe_has_not_succeeded_is_not_started) {
  auto observed = observed_with(container_phase::running, podman::container_status::running);
  observed.started = false;
  observed.ready = false;
  auto status = pod_status(pod, observed);
  EXPECT_EQ(status["containerStatuses"][0]["started"], false);
  EXPECT_EQ(status["containerStatuses"][0]["ready"], false);
}

TEST(pod_status, the_qos_class_follows_requests_and_limits) {
  auto with_resources = [](json resources) {
    json p = {{"spec", {{"containers", json::array({{{"name", "c"}, {"image", "i"}}})}}}};
    if (!resources.is_null()) p["spec"]["containers"][0]["resources"] = std::move(resources);
    return p;
  };
  const auto observed = observed_with(container_phase::running, podman::container_status::running);
  EXPECT_EQ(pod_status(with_resources(nullptr), observed)["qosClass"], "BestEffort");
  EXPECT_EQ(pod_status(with_resources({{"requests", {{"cpu", "100m"}}}}), observed)["qosClass"], "Burstable");
  EXPECT_EQ(pod_status(with_resources({{"limits", {{"cpu", "1"}, {"memory", "64Mi"}}},
                                       {"requests", {{"cpu", "1"}, {"memory", "64Mi"}}}}),
                       observed)["qosClass"],
            "Guaranteed");
  EXPECT_EQ(pod_status(with_resources({{"limits", {{"cpu", "1"}, {"memory", "64Mi"}}},
                                       {"requests", {{"cpu", "500m"}, {"memory", "64Mi"}}}}),
                       observed)["qosClass"],
            "Burstable");
}

TEST(pod_status, a_sigkill_nobody_sent_to_a_memory_limited_container_was_the_oom_killer) {
  auto killed = container(podman::container_status::exited);  // exit 137
  EXPECT_TRUE(oom_kill_inferred(killed, true, false));
  EXPECT_FALSE(oom_kill_inferred(killed, false, false)) << "no memory limit: someone's SIGKILL";
  EXPECT_FALSE(oom_kill_inferred(killed, true, true)) << "orkest stopped it (a failed liveness probe)";
  killed.exit_code = 1;
  EXPECT_FALSE(oom_kill_inferred(killed, true, false));
  killed.exit_code = 137;
  killed.oom_killed = true;
  EXPECT_EQ(termination_reason(killed), "OOMKilled");
}

}  // namespace
}  // namespace orkest::control
