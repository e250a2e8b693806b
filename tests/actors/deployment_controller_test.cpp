// The Deployment controller with the ReplicaSet controller and pod actors on the deterministic
// scheduler: a Deployment gets its ReplicaSet and pods, a new template rolls out to the end,
// scaling goes through, Recreate, and deleting the Deployment takes its ReplicaSets along. A
// rollout held in the middle (its new image missing) passes its deadline, is undone, paused
// and resumed, and resized proportionally.

#include "control/deployment_rollout.hpp"
#include "tests/actors/actor_test_support.hpp"

namespace orkest::testing {
namespace {

json deployment_manifest(int replicas, const std::string& image, const std::string& strategy = "RollingUpdate") {
  json d = {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", "web"}}},
            {"spec",
             {{"replicas", replicas},
              {"selector", {{"matchLabels", {{"app", "web"}}}}},
              {"strategy", {{"type", strategy}}},
              {"template",
               {{"metadata", {{"labels", {{"app", "web"}}}}},
                {"spec", {{"containers", json::array({{{"name", "web"}, {"image", image}}})}}}}}}}};
  return d;
}

class deployment_controller_test : public control_plane_actors {
 protected:
  json deployment() { return get("Deployment", "web").object; }
  std::vector<json> replica_sets() { return items_of(list("ReplicaSet")); }
  // Running pods by image.
  std::map<std::string, int> running_images() {
    std::map<std::string, int> images;
    for (const auto& pod : all_pods())
      if (pod["status"]["phase"] == "Running" && !pod["metadata"].contains("deletionTimestamp"))
        ++images[pod["spec"]["containers"][0]["image"].get<std::string>()];
    return images;
  }
  // Lets the rollout run: resyncs and the pods' deletions go through.
  void settle(int periods = 6) {
    for (int i = 0; i < periods; ++i) {
      deliver_runtime_events();
      advance_to_next_resync();
    }
  }
  void set_image(const std::string& image) {
    change_spec([&](json& spec) { spec["template"]["spec"]["containers"][0]["image"] = image; });
  }
  template <class Change>
  void change_spec(Change change) {
    auto d = deployment();
    change(d["spec"]);
    d["metadata"].erase("resourceVersion");
    ASSERT_TRUE(update(d).ok());
    run();
  }
  // spec.replicas of the ReplicaSet running `image` (-1: none does).
  int replicas_for(const std::string& image) {
    const auto sets = replica_sets();
    for (const auto& rs : sets)
      if (rs["spec"]["template"]["spec"]["containers"][0]["image"] == image) return rs["spec"]["replicas"].get<int>();
    return -1;
  }
  json progressing() {
    const json d = deployment();
    for (const auto& condition : d["status"]["conditions"])
      if (condition["type"] == "Progressing") return condition;
    return nullptr;
  }
  // 4 replicas of web:v1, then web:v2, whose image is missing: the rollout stops with the
  // surge used up (4 + 1) and one pod unavailable (3 old ones left, 2 new ones that never start).
  void start_a_rollout_that_cannot_finish() {
    ASSERT_TRUE(create(deployment_manifest(4, "web:v1")).ok());
    settle();
    runtime->set_image_missing("web:v2");
    set_image("web:v2");
    settle();
    ASSERT_EQ(replicas_for("web:v1"), 3);
    ASSERT_EQ(replicas_for("web:v2"), 2);
    ASSERT_EQ(running_images(), (std::map<std::string, int>{{"web:v1", 3}}));
  }
};

TEST_F(deployment_controller_test, a_deployment_runs_its_replicas_through_one_owned_replicaset) {
  ASSERT_TRUE(create(deployment_manifest(3, "web:v1")).ok());
  settle();
  auto sets = replica_sets();
  ASSERT_EQ(sets.size(), 1u);
  EXPECT_EQ(sets[0]["metadata"]["ownerReferences"][0]["kind"], "Deployment");
  EXPECT_EQ(sets[0]["metadata"]["annotations"][control::revision_annotation], "1");
  EXPECT_EQ(running_images(), (std::map<std::string, int>{{"web:v1", 3}}));
  auto status = deployment()["status"];
  EXPECT_EQ(status["replicas"], 3);
  EXPECT_EQ(status["updatedReplicas"], 3);
  EXPECT_EQ(status["availableReplicas"], 3);
  EXPECT_EQ(status["observedGeneration"], deployment()["metadata"]["generation"]);
  EXPECT_EQ(status["conditions"][1]["reason"], "NewReplicaSetAvailable");
  EXPECT_EQ(deployment()["metadata"]["annotations"][control::revision_annotation], "1");
}

TEST_F(deployment_controller_test, a_new_template_rolls_out_to_the_end_and_the_old_replicaset_is_kept_at_zero) {
  ASSERT_TRUE(create(deployment_manifest(4, "web:v1")).ok());
  settle();
  set_image("web:v2");
  settle(10);
  EXPECT_EQ(running_images(), (std::map<std::string, int>{{"web:v2", 4}}));
  auto sets = replica_sets();
  ASSERT_EQ(sets.size(), 2u) << "the old one stays, scaled to 0, for a rollback";
  for (const auto& rs : sets) {
    const bool current = rs["spec"]["template"]["spec"]["containers"][0]["image"] == "web:v2";
    EXPECT_EQ(rs["spec"]["replicas"], current ? 4 : 0);
    EXPECT_EQ(rs["metadata"]["annotations"][control::revision_annotation], current ? "2" : "1");
  }
  EXPECT_EQ(deployment()["metadata"]["annotations"][control::revision_annotation], "2");
  EXPECT_EQ(deployment()["status"]["conditions"][1]["reason"], "NewReplicaSetAvailable");
  auto events = items_of(ask(actors::list_atom::value, store::list_request{"Event", "default", "", "reason=ScalingReplicaSet"}));
  EXPECT_GE(events.size(), 2u) << "scaled up the new one, scaled down the old one";
}

TEST_F(deployment_controller_test, scaling_a_deployment_scales_its_replicaset) {
  ASSERT_TRUE(create(deployment_manifest(2, "web:v1")).ok());
  settle();
  auto d = deployment();
  d["spec"]["replicas"] = 5;
  d["metadata"].erase("resourceVersion");
  ASSERT_TRUE(update(d).ok());
  settle();
  EXPECT_EQ(running_images(), (std::map<std::string, int>{{"web:v1", 5}}));
  EXPECT_EQ(replica_sets().size(), 1u);
}

TEST_F(deployment_controller_test, recreate_never_runs_old_and_new_pods_together) {
  ASSERT_TRUE(create(deployment_manifest(3, "web:v1", "Recreate")).ok());
  settle();
  set_image("web:v2");
  for (int i = 0; i < 12; ++i) {
    auto images = running_images();
    EXPECT_FALSE(images.count("web:v1") && images.count("web:v2")) << "both at once after step " << i;
    deliver_runtime_events();
    advance_to_next_resync();
  }
  EXPECT_EQ(running_images(), (std::map<std::string, int>{{"web:v2", 3}}));
}

TEST_F(deployment_controller_test, a_stalled_rollout_passes_its_deadline_and_undo_brings_the_old_template_back) {
  start_a_rollout_that_cannot_finish();
  EXPECT_EQ(progressing()["reason"], "ReplicaSetUpdated");
  // progressDeadlineSeconds defaults to 600: ten minutes later, on the test clock.
  advance_time(std::chrono::minutes(11));
  settle(1);
  EXPECT_EQ(progressing()["status"], "False");
  EXPECT_EQ(progressing()["reason"], "ProgressDeadlineExceeded");
  EXPECT_EQ(running_images(), (std::map<std::string, int>{{"web:v1", 3}})) << "a stalled rollout is not undone by itself";

  // kubectl rollout undo: the previous revision's template goes back into the Deployment.
  set_image("web:v1");
  settle();
  EXPECT_EQ(running_images(), (std::map<std::string, int>{{"web:v1", 4}}));
  EXPECT_EQ(replicas_for("web:v2"), 0);
  EXPECT_EQ(deployment()["metadata"]["annotations"][control::revision_annotation], "3");
  EXPECT_EQ(progressing()["reason"], "NewReplicaSetAvailable");
}

TEST_F(deployment_controller_test, pausing_in_the_middle_holds_the_rollout_until_it_is_resumed) {
  start_a_rollout_that_cannot_finish();
  change_spec([](json& spec) { spec["paused"] = true; });
  set_image("web:v3");
  settle();
  EXPECT_EQ(replica_sets().size(), 2u) << "no ReplicaSet for web:v3 while paused";
  EXPECT_EQ(running_images(), (std::map<std::string, int>{{"web:v1", 3}}));
  EXPECT_EQ(progressing()["reason"], "DeploymentPaused");

  change_spec([](json& spec) { spec["paused"] = false; });
  settle(12);
  EXPECT_EQ(running_images(), (std::map<std::string, int>{{"web:v3", 4}}));
  EXPECT_EQ(replicas_for("web:v1"), 0);
  EXPECT_EQ(replicas_for("web:v2"), 0);
}

TEST_F(deployment_controller_test, scaling_in_the_middle_of_a_rollout_scales_old_and_new_by_their_share) {
  start_a_rollout_that_cannot_finish();
  // 8 replicas with 25% surge allow 10: the 5 more split 3 : 2 as the 3 old and 2 new pods.
  change_spec([](json& spec) { spec["replicas"] = 8; });
  settle(1);
  EXPECT_EQ(replicas_for("web:v1"), 6);
  EXPECT_EQ(replicas_for("web:v2"), 4);
  EXPECT_EQ(running_images(), (std::map<std::string, int>{{"web:v1", 6}}));

  runtime->set_image_present("web:v2");
  settle(12);
  EXPECT_EQ(running_images(), (std::map<std::string, int>{{"web:v2", 8}}));
}

TEST_F(deployment_controller_test, deleting_the_deployment_deletes_its_replicasets_and_their_pods) {
  ASSERT_TRUE(create(deployment_manifest(2, "web:v1")).ok());
  settle();
  ASSERT_TRUE(remove("Deployment", "web").ok());
  settle();
  EXPECT_TRUE(replica_sets().empty());
  EXPECT_TRUE(running_containers().empty());
}

}  // namespace
}  // namespace orkest::testing
