// A pod actor on the whole control plane (deterministic scheduler, fake runtime): it restarts
// its container as the restartPolicy says, at once and then with Kubernetes' back-off
// (CrashLoopBackOff), never publishes a restarting pod as failed or ready, shows image errors
// with the kubelet's reasons (ErrImageNeverPull, ErrImagePull, ImagePullBackOff), replaces a
// left-over container that never started, and costs no inspection for the report of its own
// start. Time moves only when a test advances it.

#include "control/restart_policy.hpp"
#include "tests/actors/pod_test_support.hpp"

namespace orkest::testing {
namespace {

class pod_actor_test : public pod_actors {};

// podman reports a start after `podman run -d` has returned: the run's reply already told the
// pod actor, so the report costs no inspection.
TEST_F(pod_actor_test, the_report_of_its_own_start_costs_a_pod_no_inspection) {
  auto pod = running_pod(pod_manifest("quiet"));
  auto id = container_id(pod);
  auto inspections = runtime->inspections(id);
  deliver_runtime_events();
  EXPECT_EQ(runtime->inspections(id), inspections);

  runtime->kill(id, 1);
  deliver_runtime_events();
  EXPECT_GT(runtime->inspections(id), inspections) << "a death is looked at";
  EXPECT_EQ(container_status(this->pod("quiet"))["restartCount"], 1);
}

TEST_F(pod_actor_test, a_crashed_container_restarts_at_once_then_backs_off_ten_seconds) {
  auto pod = running_pod(pod_manifest("crashy"));
  auto id = container_id(pod);

  runtime->kill(id, 1);
  deliver_runtime_events();
  pod = this->pod("crashy");
  EXPECT_EQ(pod["status"]["phase"], "Running");
  EXPECT_EQ(container_status(pod)["restartCount"], 1) << pod.dump(2);
  EXPECT_TRUE(container_status(pod)["state"].contains("running"));
  EXPECT_EQ(container_status(pod)["lastState"]["terminated"]["exitCode"], 1);

  runtime->kill(id, 1);
  deliver_runtime_events();
  pod = this->pod("crashy");
  EXPECT_EQ(container_status(pod)["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_NE(container_status(pod)["state"]["waiting"].value("message", "").find("back-off 10s"), std::string::npos);
  EXPECT_EQ(container_status(pod)["ready"], false);
  EXPECT_EQ(container_status(pod)["restartCount"], 1);
  EXPECT_EQ(pod["status"]["phase"], "Running") << "a pod waiting for a restart stays Running";

  advance_time(std::chrono::seconds(9));
  EXPECT_EQ(container_status(this->pod("crashy"))["state"]["waiting"]["reason"], "CrashLoopBackOff");

  advance_time(std::chrono::seconds(1));
  pod = this->pod("crashy");
  EXPECT_TRUE(container_status(pod)["state"].contains("running")) << container_status(pod).dump();
  EXPECT_EQ(container_status(pod)["restartCount"], 2);
  EXPECT_EQ(runtime->creations(), 1) << "the same container is started again";
}

// podman reports a death more than once (died, then cleanup); a second report arriving while
// the first is looked at must not publish the exited container as a Failed pod before the
// restart is decided: a ReplicaSet would replace a pod that is only restarting.
TEST_F(pod_actor_test, a_restarting_pod_is_never_published_as_failed) {
  auto pod = running_pod(pod_manifest("flaky"));
  auto id = container_id(pod);
  runtime->kill(id, 137);
  for (auto& event : runtime->take_events()) {
    caf::anon_send(plane.pods, event);
    caf::anon_send(plane.pods, event);
  }
  run();
  for (const auto& event : pod_events.of_type(change_type::modified, "flaky"))
    EXPECT_NE(event.object["status"].value("phase", ""), "Failed") << event.object["status"].dump();
  pod = this->pod("flaky");
  EXPECT_EQ(container_status(pod)["restartCount"], 1);
  EXPECT_TRUE(container_status(pod)["state"].contains("running"));
}

// Even a restart that follows at once is published first: a Service must not send connections
// to a pod whose container is dead, so the pod is not ready (and has no podIP) in between.
TEST_F(pod_actor_test, a_pod_is_not_ready_between_its_containers_death_and_its_restart) {
  auto pod = running_pod(pod_manifest("mortal"));
  runtime->kill(container_id(pod), 137);
  pod_events.events->clear();
  deliver_runtime_events();
  auto updates = pod_events.of_type(change_type::modified, "mortal");
  ASSERT_GE(updates.size(), 2u);
  const auto& between = updates.front().object["status"];
  EXPECT_EQ(between["phase"], "Running") << between.dump();
  EXPECT_EQ(between["containerStatuses"][0]["ready"], false);
  EXPECT_EQ(between["containerStatuses"][0]["state"]["terminated"]["exitCode"], 137) << between.dump();
  EXPECT_FALSE(between.contains("podIP"));
  const auto& after = updates.back().object["status"];
  EXPECT_EQ(after["containerStatuses"][0]["ready"], true) << after.dump();
  EXPECT_EQ(after["containerStatuses"][0]["restartCount"], 1);
}

// A process that ends as it starts exits again within the same second: podman's timestamps
// (whole seconds here) cannot tell the exits apart, the restart itself must.
TEST_F(pod_actor_test, a_container_that_exits_at_once_goes_into_crash_loop_back_off) {
  runtime->set_exits_at_once("busybox:1.35", 1);
  created(pod_manifest("quitter"));
  deliver_runtime_events();
  auto pod = this->pod("quitter");
  EXPECT_EQ(container_status(pod)["restartCount"], 1) << pod.dump(2);
  EXPECT_EQ(container_status(pod)["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_NE(container_status(pod)["state"]["waiting"].value("message", "").find("back-off 10s"), std::string::npos);
  EXPECT_EQ(container_status(pod)["lastState"]["terminated"]["exitCode"], 1);

  advance_time(std::chrono::seconds(10));
  deliver_runtime_events();
  pod = this->pod("quitter");
  EXPECT_EQ(container_status(pod)["restartCount"], 2);
  EXPECT_NE(container_status(pod)["state"]["waiting"].value("message", "").find("back-off 20s"), std::string::npos)
      << container_status(pod).dump();
  EXPECT_EQ(runtime->creations(), 1);
}

TEST_F(pod_actor_test, a_missing_image_with_pull_policy_never_waits_with_err_image_never_pull) {
  runtime->set_image_missing("ghost:1.0");
  auto manifest = pod_manifest("ghost", "Always", "ghost:1.0");
  manifest["spec"]["containers"][0]["imagePullPolicy"] = "Never";
  created(manifest);

  auto check_waiting = [&] {
    auto pod = this->pod("ghost");
    EXPECT_EQ(pod["status"]["phase"], "Pending");
    EXPECT_EQ(container_status(pod)["state"]["waiting"]["reason"], "ErrImageNeverPull");
    EXPECT_NE(container_status(pod)["state"]["waiting"].value("message", "").find("ghost:1.0"), std::string::npos);
    EXPECT_EQ(container_status(pod)["ready"], false);
  };
  check_waiting();
  advance_time(std::chrono::seconds(30));  // retries fail the same way
  check_waiting();
  EXPECT_TRUE(runtime->containers().empty());
  EXPECT_EQ(runtime->creations(), 0);

  // Its actor is alive and well: deleting the pod still goes through it.
  ASSERT_TRUE(remove("Pod", "ghost").ok());
  EXPECT_EQ(get("Pod", "ghost").error->code, 404);
}

TEST_F(pod_actor_test, a_failed_image_pull_shows_err_image_pull_then_image_pull_back_off) {
  runtime->set_image_missing("ghost:1.0");
  created(pod_manifest("ghost", "Always", "ghost:1.0"));
  auto waiting = [&] { return container_status(this->pod("ghost"))["state"]["waiting"]; };

  EXPECT_EQ(waiting()["reason"], "ErrImagePull");
  advance_time(control::image_pull_backoff_shown_after);
  EXPECT_EQ(waiting()["reason"], "ImagePullBackOff");
  EXPECT_EQ(waiting()["message"], "Back-off pulling image \"ghost:1.0\"");
  EXPECT_EQ(this->pod("ghost")["status"]["phase"], "Pending");

  // The next attempt, 10 s after the first, fails again: ErrImagePull, then the back-off again.
  advance_time(std::chrono::seconds(10) - control::image_pull_backoff_shown_after);
  EXPECT_EQ(waiting()["reason"], "ErrImagePull");
  advance_time(control::image_pull_backoff_shown_after);
  EXPECT_EQ(waiting()["reason"], "ImagePullBackOff");

  // Once the image is there, the next attempt runs the container.
  runtime->set_image_present("ghost:1.0");
  advance_time(std::chrono::seconds(40));
  EXPECT_TRUE(container_status(this->pod("ghost"))["state"].contains("running"));
}

// orkest killed between `podman create` and `podman start` leaves a container that never ran;
// the pod coming back from the bootstrap manifests replaces it (same name) instead of waiting on it.
TEST_F(pod_actor_test, a_left_over_container_that_never_started_is_replaced_not_adopted) {
  podman::container_spec spec;
  spec.name = "orkest_default_solo";
  spec.image = "busybox:1.35";
  spec.labels = {{podman::label_managed_by, "orkest"}, {podman::label_namespace, "default"},
                 {podman::label_pod_name, "solo"}, {podman::label_node, "orkest"},
                 {podman::label_pod_uid, "uid-of-an-earlier-run"}};
  auto leftover = std::get<std::string>(runtime->create(spec));

  auto pod = running_pod(pod_manifest("solo"));

  auto containers = runtime->containers();
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_NE(containers.front().id, leftover);
  EXPECT_EQ(containers.front().status, podman::container_status::running);
  EXPECT_EQ(container_id(pod), containers.front().id);
}

TEST_F(pod_actor_test, restart_policy_never_and_exit_zero_is_succeeded) {
  auto pod = running_pod(pod_manifest("job", "Never"));
  runtime->kill(container_id(pod), 0);
  deliver_runtime_events();

  auto check_succeeded = [&] {
    auto pod = this->pod("job");
    EXPECT_EQ(pod["status"]["phase"], "Succeeded");
    EXPECT_EQ(container_status(pod)["state"]["terminated"]["exitCode"], 0);
    EXPECT_EQ(container_status(pod)["state"]["terminated"]["reason"], "Completed");
    EXPECT_EQ(container_status(pod)["restartCount"], 0);
  };
  check_succeeded();
  advance_to_next_resync();
  check_succeeded();
  EXPECT_EQ(runtime->creations(), 1) << "never restarted";
}

TEST_F(pod_actor_test, restart_policy_on_failure_restarts_a_failure_only) {
  auto pod = running_pod(pod_manifest("retry", "OnFailure"));
  auto id = container_id(pod);
  runtime->kill(id, 2);
  deliver_runtime_events();
  EXPECT_EQ(container_status(this->pod("retry"))["restartCount"], 1);

  runtime->kill(id, 0);
  deliver_runtime_events();
  EXPECT_EQ(this->pod("retry")["status"]["phase"], "Succeeded");
}

}  // namespace
}  // namespace orkest::testing
