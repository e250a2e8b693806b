// The control plane on the deterministic scheduler with a fake runtime: the ReplicaSet
// controller converges (scale up and down, hand deletion, rapid updates, deletion of the
// ReplicaSet), and the periodic resync repairs what no event reported in its pods. Time moves
// only when a test advances it. What a pod actor does on its own: pod_actor_test.cpp.

#include <regex>
#include <set>

#include "model/body_decoder.hpp"
#include "tests/actors/pod_test_support.hpp"
#include "tests/model/user_examples.hpp"
#include "tests/model/manifests.hpp"

namespace orkest::testing {
namespace {

json parsed(const char* body) {
  auto decoded = model::decode_body(body, "application/json");
  if (auto* error = std::get_if<model::api_error>(&decoded)) ADD_FAILURE() << error->message;
  return std::get_if<json>(&decoded) ? std::get<json>(decoded) : json();
}

class replicaset_controller_test : public pod_actors {
 protected:
  // PUT of the ReplicaSet with another replica count, as a user would send it (no version).
  void scale(const std::string& name, int replicas) {
    auto result = update(replicaset_manifest(name, replicas));
    ASSERT_TRUE(result.ok()) << result.error->message;
  }

  json replicaset(const std::string& name) {
    auto result = get("ReplicaSet", name);
    EXPECT_TRUE(result.ok()) << result.error->message;
    return result.object;
  }

  // The end state of a ReplicaSet with `replicas` pods: exactly that many pods, all Running
  // with an IP and a running container, and a status that says so for the current generation.
  void expect_converged(const std::string& name, int replicas) {
    SCOPED_TRACE("ReplicaSet " + name + " with " + std::to_string(replicas) + " replicas");
    auto rs = replicaset(name);
    auto pods = pods_of(name);
    ASSERT_EQ(static_cast<int>(pods.size()), replicas);
    for (const auto& pod : pods) {
      SCOPED_TRACE("pod " + pod["metadata"]["name"].get<std::string>());
      EXPECT_FALSE(pod["metadata"].contains("deletionTimestamp"));
      EXPECT_TRUE(std::regex_match(pod["metadata"]["name"].get<std::string>(), std::regex(name + "-[a-z0-9]{5}")));
      EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["uid"], rs["metadata"]["uid"]);
      EXPECT_EQ(pod["metadata"]["labels"], rs["spec"]["template"]["metadata"]["labels"]);
      EXPECT_EQ(pod["status"]["phase"], "Running");
      EXPECT_FALSE(pod["status"].value("podIP", "").empty());
      EXPECT_EQ(container_status(pod)["ready"], true);
      auto container = container_of(pod);
      ASSERT_TRUE(container.has_value()) << "no container";
      EXPECT_EQ(container->status, podman::container_status::running);
      EXPECT_EQ(container->ip, pod["status"]["podIP"]);
    }
    const json& status = rs["status"];
    EXPECT_EQ(status["replicas"], replicas);
    EXPECT_EQ(status["fullyLabeledReplicas"], replicas);
    EXPECT_EQ(status["readyReplicas"], replicas);
    EXPECT_EQ(status["availableReplicas"], replicas);
    EXPECT_EQ(status["observedGeneration"], rs["metadata"]["generation"]);
  }
};
TEST_F(replicaset_controller_test, converges_to_the_desired_number_of_running_pods) {
  created(replicaset_manifest("web", 3));
  expect_converged("web", 3);
  EXPECT_EQ(running_containers().size(), 3u);
  EXPECT_EQ(pods_created(), 3);
  EXPECT_EQ(runtime->creations(), 3);
}

// After a restart over a database the controller starts with every ReplicaSet and pod already
// stored: it must see the pods before it syncs a ReplicaSet, or it creates all replicas again.
TEST_F(replicaset_controller_test, pods_become_available_the_moment_they_have_been_ready_for_min_ready_seconds) {
  json manifest = replicaset_manifest("web", 2);
  manifest["spec"]["minReadySeconds"] = 7;
  created(manifest);
  deliver_runtime_events();
  EXPECT_EQ(replicaset("web")["status"]["readyReplicas"], 2);
  EXPECT_EQ(replicaset("web")["status"]["availableReplicas"], 0);
  advance_time(std::chrono::seconds(6));  // the resync at 5 s finds them ready for under 7 s
  EXPECT_EQ(replicaset("web")["status"]["availableReplicas"], 0);
  // The next resync is at 10 s: at 7 s only the ReplicaSet's own availability check counts them.
  advance_time(std::chrono::seconds(1));
  EXPECT_EQ(replicaset("web")["status"]["availableReplicas"], 2);
}

TEST_F(replicaset_controller_test, a_controller_started_over_stored_pods_creates_none) {
  created(replicaset_manifest("web", 3));
  expect_converged("web", 3);
  const int before = pods_created();
  caf::anon_send_exit(plane.replicasets, caf::exit_reason::kill);
  run();
  auto restarted = actors::spawn_replicaset_controller(system, store, resync_period);
  stop_at_end(restarted);
  run();
  EXPECT_EQ(pods_created(), before);
  advance_to_next_resync();
  EXPECT_EQ(pods_created(), before);
  expect_converged("web", 3);
}

TEST_F(replicaset_controller_test, zero_replicas_creates_nothing) {
  created(replicaset_manifest("idle", 0));
  expect_converged("idle", 0);
  EXPECT_EQ(runtime->creations(), 0);
}

TEST_F(replicaset_controller_test, scales_up_and_down_when_replicas_change) {
  created(replicaset_manifest("web", 2));
  expect_converged("web", 2);

  scale("web", 5);
  expect_converged("web", 5);
  EXPECT_EQ(pods_created(), 5);

  scale("web", 1);
  expect_converged("web", 1);
  EXPECT_EQ(all_pods().size(), 1u) << "scaled-down pods are gone, not just terminating";
  EXPECT_EQ(runtime->containers().size(), 1u) << "their containers are removed";
  EXPECT_EQ(pods_created(), 5);
  EXPECT_EQ(replicaset("web")["status"]["observedGeneration"], 3);
}

// A client once set a pod's podIP to 127.0.0.1 and Services forwarded to the host's loopback:
// the status is the pod actor's observation, and it restores it.
TEST_F(replicaset_controller_test, a_status_written_by_anyone_else_is_restored) {
  auto pod = running_pod(pod_manifest("observed"));
  const json observed = pod["status"];
  ASSERT_FALSE(observed.value("podIP", "").empty());
  json forged = pod;
  forged["metadata"].erase("resourceVersion");
  forged["status"]["podIP"] = "127.0.0.1";
  forged["status"]["phase"] = "Succeeded";
  forged["status"]["containerStatuses"][0]["ready"] = false;
  ASSERT_TRUE(update_status(forged).ok());
  auto restored = this->pod("observed");
  EXPECT_EQ(restored["status"], observed);
  // A change to what the user owns leaves the status alone.
  json labelled = restored;
  labelled["metadata"]["labels"]["tier"] = "web";
  ASSERT_TRUE(update(labelled).ok());
  EXPECT_EQ(this->pod("observed")["status"], observed);
}

TEST_F(replicaset_controller_test, a_pod_deleted_by_hand_is_replaced_exactly_once) {
  struct deletion {
    const char* what;
    store::delete_options options;
  };
  store::delete_options immediate;
  immediate.grace_period_seconds = 0;
  for (const auto& [what, options] : {deletion{"graceful", {}}, deletion{"immediate", immediate}}) {
    SCOPED_TRACE(std::string(what) + " deletion");
    auto before = pods_created();
    created(replicaset_manifest(what, 3));
    auto victim = pods_of(what).front();
    auto victim_name = victim["metadata"]["name"].get<std::string>();

    ASSERT_TRUE(remove("Pod", victim_name, "default", options).ok());

    expect_converged(what, 3);
    EXPECT_EQ(pods_created() - before, 4) << "three pods and one replacement";
    EXPECT_EQ(get("Pod", victim_name).error->code, 404);
    EXPECT_FALSE(container_of(victim).has_value()) << "the deleted pod's container is removed";
  }
  EXPECT_EQ(runtime->creations(), 8);
}

TEST_F(replicaset_controller_test, deleting_the_replicaset_deletes_its_pods_and_their_containers) {
  created(replicaset_manifest("web", 3));
  created(pod_manifest("bystander"));
  ASSERT_EQ(running_containers().size(), 4u);

  ASSERT_TRUE(remove("ReplicaSet", "web").ok());

  EXPECT_TRUE(pods_of("web").empty());
  ASSERT_EQ(all_pods().size(), 1u);
  EXPECT_EQ(all_pods().front()["metadata"]["name"], "bystander");
  ASSERT_EQ(runtime->containers().size(), 1u);
  EXPECT_EQ(runtime->containers().front().labels[podman::label_pod_name], "bystander");
}

TEST_F(replicaset_controller_test, rapid_interleaved_updates_converge_without_needless_creations) {
  created(replicaset_manifest("web", 3));
  expect_converged("web", 3);

  // 5 -> 1 -> 4 -> 2, all in the store's mailbox before anything runs.
  for (int replicas : {5, 1, 4, 2})
    send_to_store(actors::update_atom::value, object_key{"ReplicaSet", "default", "web"},
                  replicaset_manifest("web", replicas));
  run();
  for (const auto& reply : take_replies(4)) EXPECT_TRUE(reply.ok()) << reply.error->message;

  expect_converged("web", 2);
  // The controller may act on 5 before it hears of 1: two more pods at most, never one per
  // update it saw.
  EXPECT_LE(pods_created(), 5);
  EXPECT_LE(runtime->creations(), pods_created());
  EXPECT_EQ(all_pods().size(), 2u);
  EXPECT_EQ(runtime->containers().size(), 2u);
}

TEST_F(replicaset_controller_test, many_updates_within_one_run_create_no_more_than_the_largest_count) {
  created(replicaset_manifest("web", 0));
  for (int replicas : {1, 2, 3, 4, 5, 6, 7, 8, 3})
    send_to_store(actors::update_atom::value, object_key{"ReplicaSet", "default", "web"},
                  replicaset_manifest("web", replicas));
  run();
  take_replies(9);
  expect_converged("web", 3);
  EXPECT_LE(pods_created(), 8);
}

TEST_F(replicaset_controller_test, the_users_shorthand_replicaset_counts_its_own_pods) {
  auto rs = created(parsed(user_examples::replicaset));
  EXPECT_EQ(rs["spec"]["selector"], (json{{"matchLabels", {{"name", "health"}}}}));
  EXPECT_EQ(rs["spec"]["template"]["metadata"]["labels"], (json{{"app", "health"}, {"name", "health"}}));

  expect_converged("health-replicaset", 3);
  EXPECT_EQ(items_of(list("Pod", "app=health")).size(), 3u) << "what the user's Service selects";
  EXPECT_EQ(items_of(list("Pod", "name=health")).size(), 3u) << "what the ReplicaSet selects";

  auto scaled = update(parsed(user_examples::replicaset_scaled));
  ASSERT_TRUE(scaled.ok()) << scaled.error->message;
  expect_converged("health-replicaset", 5);
  EXPECT_EQ(pods_created(), 5);
}

TEST_F(replicaset_controller_test, a_converged_replicaset_stays_quiet_across_resyncs) {
  created(replicaset_manifest("web", 3));
  // The pods' own versions: the node's heartbeat writes its Lease and status meanwhile.
  auto versions = [this] {
    std::vector<std::string> found;
    for (const auto& pod : items_of(list("Pod"))) found.push_back(pod["metadata"]["resourceVersion"]);
    found.push_back(get("ReplicaSet", "web").object["metadata"]["resourceVersion"]);
    return found;
  };
  auto before = versions();
  for (int i = 0; i < 3; ++i) advance_to_next_resync();
  EXPECT_EQ(versions(), before) << "nothing was written";
  expect_converged("web", 3);
  EXPECT_EQ(runtime->creations(), 3);
}

// One listing of all containers per resync, not one inspect per pod: with podman each inspect
// is a process (about 30 ms), which for 100 pods every 5 s kept a core busy.
TEST_F(replicaset_controller_test, a_resync_that_finds_nothing_changed_inspects_no_container) {
  created(replicaset_manifest("web", 3));
  auto inspections = runtime->inspections();
  for (int i = 0; i < 3; ++i) advance_to_next_resync();
  EXPECT_EQ(runtime->inspections(), inspections);
  expect_converged("web", 3);
}

TEST_F(replicaset_controller_test, a_resync_inspects_only_the_container_that_changed) {
  created(replicaset_manifest("web", 3));
  auto pods = pods_of("web");
  runtime->kill(container_id(pods[0]), 137);
  runtime->take_events();  // unreported: only the listing shows it
  auto quiet_inspections = runtime->inspections(container_id(pods[1])) + runtime->inspections(container_id(pods[2]));

  advance_to_next_resync();

  EXPECT_GE(runtime->inspections(container_id(pods[0])), 1);
  EXPECT_EQ(runtime->inspections(container_id(pods[1])) + runtime->inspections(container_id(pods[2])),
            quiet_inspections);
  EXPECT_EQ(container_status(this->pod(pods[0]["metadata"]["name"]))["restartCount"], 1);
  expect_converged("web", 3);
}

TEST_F(replicaset_controller_test, a_pod_whose_replicaset_is_gone_is_collected_at_the_resync) {
  auto stray = pod_manifest("stray");
  stray["metadata"]["ownerReferences"] = {{{"apiVersion", "apps/v1"},
                                           {"kind", "ReplicaSet"},
                                           {"name", "long-gone"},
                                           {"uid", "no-such-uid"},
                                           {"controller", true}}};
  created(stray);
  ASSERT_TRUE(get("Pod", "stray").ok()) << "no event says it is garbage";

  advance_to_next_resync();

  EXPECT_EQ(get("Pod", "stray").error->code, 404);
  EXPECT_TRUE(runtime->containers().empty());
}

TEST_F(replicaset_controller_test, an_exit_no_event_reported_is_found_and_restarted_at_the_resync) {
  created(replicaset_manifest("web", 1));
  auto pod = pods_of("web").front();
  runtime->kill(container_id(pod), 137);
  runtime->take_events();  // the event stream lost them

  advance_to_next_resync();

  pod = this->pod(pod["metadata"]["name"]);
  EXPECT_EQ(container_status(pod)["restartCount"], 1);
  EXPECT_EQ(container_status(pod)["lastState"]["terminated"]["exitCode"], 137);
  expect_converged("web", 1);
  EXPECT_EQ(pods_created(), 1) << "the pod is repaired, not replaced";
}

TEST_F(replicaset_controller_test, a_container_removed_behind_orkests_back_is_recreated_at_the_resync) {
  created(replicaset_manifest("web", 2));
  auto pod = pods_of("web").front();
  auto old_id = container_id(pod);
  runtime->remove_behind_back(old_id);
  runtime->take_events();

  advance_to_next_resync();

  pod = this->pod(pod["metadata"]["name"]);
  auto new_id = container_id(pod);
  EXPECT_NE(new_id, old_id);
  EXPECT_EQ(container_status(pod)["containerID"], "podman://" + new_id);
  EXPECT_EQ(container_status(pod)["restartCount"], 1);
  expect_converged("web", 2);
  EXPECT_EQ(pods_created(), 2);
  EXPECT_EQ(runtime->creations(), 3);
}

// `podman rm -f` of a running container reports its death twice (died, cleanup); the first
// inspection still finds it exited, the second finds it gone. Gone is no reason to stop: the
// pod restarts per its policy, at once, not left as if it had finished (a flaky failure of the
// real-podman test ReplicaSets.HandRemovedContainerIsReplacedAndRunningWithinFiveSeconds).
TEST_F(replicaset_controller_test, a_container_removed_while_its_exit_is_looked_at_is_recreated_at_once) {
  created(replicaset_manifest("web", 1));
  auto pod = pods_of("web").front();
  auto old_id = container_id(pod);
  runtime->kill(old_id, 0);
  runtime->remove_after_next_inspect(old_id);
  for (auto& event : runtime->take_events()) {
    caf::anon_send(plane.pods, event);
    caf::anon_send(plane.pods, event);
  }
  run();

  pod = this->pod(pod["metadata"]["name"]);
  auto new_id = container_id(pod);
  EXPECT_NE(new_id, old_id);
  EXPECT_TRUE(container_status(pod)["state"].contains("running")) << container_status(pod).dump();
  EXPECT_EQ(container_status(pod)["restartCount"], 1);
  EXPECT_EQ(runtime->creations(), 2);
}

TEST_F(replicaset_controller_test, an_orphan_container_with_orkests_labels_is_removed_at_the_resync) {
  created(replicaset_manifest("web", 1));
  auto spawn_container = [&](const std::string& name, podman::label_map labels) {
    podman::container_spec spec;
    spec.name = name;
    spec.image = "busybox:1.35";
    spec.labels = std::move(labels);
    auto id = std::get<std::string>(runtime->create(spec));
    EXPECT_FALSE(runtime->start(id).has_value());
    return id;
  };
  // Labelled exactly as orkest labels its pods' containers, for a pod that does not exist.
  auto labels = runtime->containers().front().labels;
  labels[podman::label_pod_uid] = "no-such-pod";
  labels[podman::label_pod_name] = "orphan";
  auto orphan = spawn_container("orkest_default_orphan", labels);
  auto users_own = spawn_container("not-ours", {{"owner", "someone"}});
  ASSERT_EQ(runtime->containers().size(), 3u);

  advance_to_next_resync();

  std::set<std::string> remaining;
  for (const auto& container : runtime->containers()) remaining.insert(container.id);
  EXPECT_FALSE(remaining.count(orphan)) << "no pod claims it";
  EXPECT_TRUE(remaining.count(users_own)) << "containers without orkest's labels are not orkest's business";
  expect_converged("web", 1);
}

// A node that takes three pods at most.
class replicaset_controller_on_a_full_node_test : public replicaset_controller_test {
 protected:
  void configure(actors::control_plane_settings& settings) override { settings.store.limits.max_pods = 3; }
};

// A pod creation the store refuses (403: the node is full) is tried again after a back-off, as a
// Kubernetes controller requeues its key, not only at the next resync five seconds later.
TEST_F(replicaset_controller_on_a_full_node_test, a_refused_creation_is_retried_with_back_off_before_the_resync) {
  for (const char* name : {"a", "b", "c"}) created(pod_manifest(name));
  created(replicaset_manifest("web", 1));
  EXPECT_TRUE(pods_of("web").empty()) << "the node is full";
  ASSERT_TRUE(remove("Pod", "a").ok());
  deliver_runtime_events();  // the pod's container stopped: its actor removes the pod
  ASSERT_EQ(get("Pod", "a").error->code, 404);
  // Retries come after 100, 200, 400, ... ms: within a second, well before the 5 s resync.
  advance_time(std::chrono::milliseconds(1000));
  EXPECT_EQ(pods_of("web").size(), 1u) << "not retried before the resync";
  expect_converged("web", 1);
}
}  // namespace
}  // namespace orkest::testing
