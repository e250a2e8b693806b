// A Deployment's rollout, one step at a time: the first ReplicaSet, a rolling update within
// maxSurge and maxUnavailable, Recreate, rollback, history, pause, and the status.

#include "control/deployment_rollout.hpp"

#include <gtest/gtest.h>

namespace orkest::control {
namespace {

using nlohmann::json;

const std::string now = "2026-11-30T12:00:00Z";

json deployment(int replicas, const std::string& image = "web:v1", const std::string& strategy = "RollingUpdate") {
  json d = {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", "web"}, {"namespace", "default"}, {"uid", "d-1"}, {"generation", 2}}},
            {"spec",
             {{"replicas", replicas},
              {"selector", {{"matchLabels", {{"app", "web"}}}}},
              {"template",
               {{"metadata", {{"labels", {{"app", "web"}}}}},
                {"spec", {{"containers", json::array({{{"name", "web"}, {"image", image}}})}}}}},
              {"strategy", {{"type", strategy}}},
              {"revisionHistoryLimit", 10},
              {"progressDeadlineSeconds", 600}}}};
  if (strategy == "RollingUpdate") d["spec"]["strategy"]["rollingUpdate"] = {{"maxSurge", "25%"}, {"maxUnavailable", "25%"}};
  return d;
}

// The ReplicaSet the plan would create for `d`, as stored with `replicas` of which `available` are.
json replica_set_of(const json& d, int replicas, int available, const std::string& created, int revision) {
  auto rs = *plan_deployment(d, {}, now).create;
  rs["metadata"]["creationTimestamp"] = created;
  rs["metadata"]["annotations"][revision_annotation] = std::to_string(revision);
  rs["spec"]["replicas"] = replicas;
  rs["status"] = {{"replicas", replicas}, {"readyReplicas", available}, {"availableReplicas", available}};
  return rs;
}

TEST(ResolveFenceposts, PercentagesRoundAsKubernetes) {
  struct row {
    json surge, unavailable;
    int replicas, want_surge, want_unavailable;
  };
  for (const auto& r : std::vector<row>{{"25%", "25%", 4, 1, 1},
                                        {"25%", "25%", 10, 3, 2},
                                        {"25%", "25%", 1, 1, 0},
                                        {0, 0, 3, 0, 1},
                                        {1, "0%", 5, 1, 0},
                                        {"100%", 0, 3, 3, 0},
                                        {2, 3, 10, 2, 3}}) {
    auto bounds = resolve_fenceposts(r.surge, r.unavailable, r.replicas);
    EXPECT_EQ(bounds.max_surge, r.want_surge) << r.surge << " of " << r.replicas;
    EXPECT_EQ(bounds.max_unavailable, r.want_unavailable) << r.unavailable << " of " << r.replicas;
  }
}

TEST(ProportionalSizes, AResizeMidRolloutKeepsTheProportions) {
  // Kubernetes' documented example: 10 replicas, maxSurge 3, a rollout at old 8 / new 5 (13,
  // the most allowed), resized to 15: the 5 more go 3 to the old and 2 to the new one.
  EXPECT_EQ(proportional_sizes({{8, 13}, {5, 13}}, 15, 3, 13), (std::vector<int>{11, 7}));
  // Down to 5 (maxSurge 25% of 5 rounds up to 2): 7 allowed, 6 fewer, again by share.
  EXPECT_EQ(proportional_sizes({{8, 13}, {5, 13}}, 5, 2, 13), (std::vector<int>{4, 3}));
  // To zero: everything goes.
  EXPECT_EQ(proportional_sizes({{8, 13}, {5, 13}}, 0, 3, 13), (std::vector<int>{0, 0}));
  // Nothing to add: sizes stay.
  EXPECT_EQ(proportional_sizes({{3, 5}, {2, 5}}, 4, 1, 5), (std::vector<int>{3, 2}));
}

TEST(ProportionalSizes, RoundingLeftoversAndTies) {
  // Equal sizes, one fewer: rounding gives nobody a share, the leftover comes off the older.
  EXPECT_EQ(proportional_sizes({{3, 6}, {3, 6}}, 4, 1, 6), (std::vector<int>{2, 3}));
  // Equal sizes, one more: the newer gets it.
  EXPECT_EQ(proportional_sizes({{3, 6}, {3, 6}}, 6, 1, 6), (std::vector<int>{3, 4}));
  // Three sets, 4 -> 7 of which 1, 1, 2 before (max 4): 8 allowed; shares 2, 2, 4.
  EXPECT_EQ(proportional_sizes({{1, 4}, {1, 4}, {2, 4}}, 7, 1, 4), (std::vector<int>{2, 2, 4}));
  // Without a max-replicas annotation the Deployment's status.replicas stands in for it.
  EXPECT_EQ(proportional_sizes({{8, 0}, {5, 0}}, 15, 3, 13), (std::vector<int>{11, 7}));
}

TEST(PodTemplateHash, TenSafeCharactersThatFollowTheTemplate) {
  auto a = pod_template_hash(deployment(1)["spec"]["template"]);
  EXPECT_EQ(a.size(), 10u);
  EXPECT_EQ(a.find_first_not_of("bcdfghjklmnpqrstvwxz2456789"), std::string::npos);
  EXPECT_EQ(a, pod_template_hash(deployment(5)["spec"]["template"])) << "replicas are not the template";
  EXPECT_NE(a, pod_template_hash(deployment(1, "web:v2")["spec"]["template"]));
}

TEST(PlanDeployment, TheFirstReplicaSetIsOwnedLabelledAndRevisionOne) {
  auto plan = plan_deployment(deployment(3), {}, now);
  ASSERT_TRUE(plan.create);
  const auto& rs = *plan.create;
  const auto hash = pod_template_hash(deployment(3)["spec"]["template"]);
  EXPECT_EQ(rs["metadata"]["name"], "web-" + hash);
  EXPECT_EQ(rs["spec"]["replicas"], 3);
  EXPECT_EQ(rs["spec"]["selector"]["matchLabels"][pod_template_hash_label], hash);
  EXPECT_EQ(rs["spec"]["template"]["metadata"]["labels"][pod_template_hash_label], hash);
  EXPECT_EQ(rs["metadata"]["ownerReferences"][0]["uid"], "d-1");
  EXPECT_EQ(rs["metadata"]["ownerReferences"][0]["controller"], true);
  EXPECT_EQ(rs["metadata"]["annotations"][revision_annotation], "1");
  EXPECT_EQ(plan.revision, "1");
  EXPECT_EQ(plan.status["conditions"][1]["reason"], "NewReplicaSetCreated");
  EXPECT_EQ(plan.status["observedGeneration"], 2);
}

TEST(PlanDeployment, ARollingUpdateSurgesOneThenRetiresOldPodsOnlyAsNewOnesBecomeAvailable) {
  const auto v1 = deployment(4), v2 = deployment(4, "web:v2");  // 25 %: surge 1, unavailable 1
  auto old_rs = replica_set_of(v1, 4, 4, "2026-11-30T10:00:00Z", 1);

  auto step1 = plan_deployment(v2, {old_rs}, now);
  ASSERT_TRUE(step1.create);
  EXPECT_EQ((*step1.create)["spec"]["replicas"], 1) << "4 + 1 surge - 4 running";
  EXPECT_EQ(step1.revision, "2");
  EXPECT_TRUE(step1.scale.empty());

  // The new one exists with its one pod not yet available; one old pod may go (unavailable 1).
  auto new_rs = replica_set_of(v2, 1, 0, "2026-11-30T11:00:00Z", 2);
  auto step2 = plan_deployment(v2, {old_rs, new_rs}, now);
  EXPECT_FALSE(step2.create);
  ASSERT_EQ(step2.scale.size(), 1u);
  EXPECT_EQ(step2.scale[0], (std::pair<std::string, int>{old_rs["metadata"]["name"], 3}));
  ASSERT_EQ(step2.events.size(), 1u);
  EXPECT_EQ(step2.events[0].message, "Scaled down replica set " + old_rs["metadata"]["name"].get<std::string>() +
                                          " from 4 to 3");

  // Old at 3, new at 1 (unavailable): total 4 < 5, so the new one grows to 2.
  old_rs["spec"]["replicas"] = 3;
  old_rs["status"] = {{"replicas", 3}, {"readyReplicas", 3}, {"availableReplicas", 3}};
  auto step3 = plan_deployment(v2, {old_rs, new_rs}, now);
  ASSERT_EQ(step3.scale.size(), 1u);
  EXPECT_EQ(step3.scale[0], (std::pair<std::string, int>{new_rs["metadata"]["name"], 2}));
  EXPECT_EQ(step3.status["updatedReplicas"], 1);
  EXPECT_EQ(step3.status["conditions"][1]["reason"], "ReplicaSetUpdated");
}

TEST(PlanDeployment, NoOldPodGoesWhileThatWouldBreakMinimumAvailability) {
  auto d = deployment(3);
  d["spec"]["strategy"]["rollingUpdate"] = {{"maxSurge", 1}, {"maxUnavailable", 0}};
  auto old_rs = replica_set_of(deployment(3, "web:v0"), 3, 3, "2026-11-30T10:00:00Z", 1);
  auto new_rs = replica_set_of(d, 1, 0, "2026-11-30T11:00:00Z", 2);
  auto plan = plan_deployment(d, {old_rs, new_rs}, now);
  EXPECT_TRUE(plan.scale.empty()) << "3 available of 3 required, the new pod not ready yet";
  new_rs["status"]["availableReplicas"] = 1;
  plan = plan_deployment(d, {old_rs, new_rs}, now);
  ASSERT_EQ(plan.scale.size(), 1u);
  EXPECT_EQ(plan.scale[0].second, 2);
}

TEST(PlanDeployment, RecreateStopsEveryOldPodBeforeStartingNewOnes) {
  auto v2 = deployment(2, "web:v2", "Recreate");
  auto old_rs = replica_set_of(deployment(2, "web:v1", "Recreate"), 2, 2, "2026-11-30T10:00:00Z", 1);
  auto first = plan_deployment(v2, {old_rs}, now);
  ASSERT_TRUE(first.create);
  EXPECT_EQ((*first.create)["spec"]["replicas"], 0);
  auto new_rs = replica_set_of(v2, 0, 0, "2026-11-30T11:00:00Z", 2);
  auto second = plan_deployment(v2, {old_rs, new_rs}, now);
  ASSERT_EQ(second.scale.size(), 1u);
  EXPECT_EQ(second.scale[0], (std::pair<std::string, int>{old_rs["metadata"]["name"], 0}));
  old_rs["spec"]["replicas"] = 0;
  old_rs["status"] = {{"replicas", 1}};  // a pod still terminating
  EXPECT_TRUE(plan_deployment(v2, {old_rs, new_rs}, now).scale.empty());
  old_rs["status"] = {{"replicas", 0}};
  auto third = plan_deployment(v2, {old_rs, new_rs}, now);
  ASSERT_EQ(third.scale.size(), 1u);
  EXPECT_EQ(third.scale[0], (std::pair<std::string, int>{new_rs["metadata"]["name"], 2}));
}

TEST(PlanDeployment, ACompleteRolloutSaysSoAndKeepsOnlyRevisionHistoryLimitOldReplicaSets) {
  auto d = deployment(2, "web:v9");
  d["spec"]["revisionHistoryLimit"] = 1;
  std::vector<json> owned;
  for (int v = 1; v <= 3; ++v)
    owned.push_back(replica_set_of(deployment(2, "web:v" + std::to_string(v)), 0, 0,
                                   "2026-11-30T0" + std::to_string(v) + ":00:00Z", v));
  owned.push_back(replica_set_of(d, 2, 2, "2026-11-30T09:00:00Z", 4));
  auto plan = plan_deployment(d, owned, now);
  EXPECT_EQ(plan.remove, (std::vector<std::string>{owned[0]["metadata"]["name"], owned[1]["metadata"]["name"]}));
  EXPECT_EQ(plan.status["conditions"][0]["reason"], "MinimumReplicasAvailable");
  EXPECT_EQ(plan.status["conditions"][1]["reason"], "NewReplicaSetAvailable");
  EXPECT_EQ(plan.status["updatedReplicas"], 2);
  EXPECT_EQ(plan.status["availableReplicas"], 2);
  EXPECT_EQ(plan.status["unavailableReplicas"], 0);
}

TEST(PlanDeployment, RollingBackRevivesTheOldReplicaSetAsTheNewestRevision) {
  auto v1 = deployment(2, "web:v1");
  auto old_v1 = replica_set_of(v1, 0, 0, "2026-11-30T10:00:00Z", 1);
  auto current_v2 = replica_set_of(deployment(2, "web:v2"), 2, 2, "2026-11-30T11:00:00Z", 2);
  auto plan = plan_deployment(v1, {old_v1, current_v2}, now);
  EXPECT_FALSE(plan.create) << "the v1 ReplicaSet is reused";
  EXPECT_EQ(plan.revision, "3");
  ASSERT_EQ(plan.scale.size(), 1u);
  EXPECT_EQ(plan.scale[0], (std::pair<std::string, int>{old_v1["metadata"]["name"], 1}));
}

TEST(PlanDeployment, APausedDeploymentScalesButDoesNotRollOut) {
  auto d = deployment(3, "web:v2");
  d["spec"]["paused"] = true;
  auto old_rs = replica_set_of(deployment(3), 3, 3, "2026-11-30T10:00:00Z", 1);
  auto plan = plan_deployment(d, {old_rs}, now);
  EXPECT_FALSE(plan.create);
  EXPECT_TRUE(plan.scale.empty());
  EXPECT_EQ(plan.status["conditions"][1]["reason"], "DeploymentPaused");
  auto same_template = deployment(5);
  same_template["spec"]["paused"] = true;
  plan = plan_deployment(same_template, {old_rs}, now);
  ASSERT_EQ(plan.scale.size(), 1u);
  EXPECT_EQ(plan.scale[0].second, 5);
}

TEST(PlanDeployment, AResizeInTheMiddleOfARolloutScalesEveryActiveReplicaSetBySize) {
  auto sized = [](json d) {
    d["spec"]["strategy"]["rollingUpdate"] = {{"maxSurge", 3}, {"maxUnavailable", 2}};
    return d;
  };
  auto old_rs = replica_set_of(sized(deployment(10)), 8, 8, "2026-11-30T10:00:00Z", 1);
  auto new_rs = replica_set_of(sized(deployment(10, "web:v2")), 5, 0, "2026-11-30T11:00:00Z", 2);
  for (auto* rs : {&old_rs, &new_rs}) {
    (*rs)["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = "10";
    (*rs)["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] = "13";
  }
  auto resized = sized(deployment(15, "web:v2"));
  resized["status"]["replicas"] = 13;
  auto plan = plan_deployment(resized, {old_rs, new_rs}, now);
  EXPECT_FALSE(plan.create);
  ASSERT_EQ(plan.scale.size(), 2u);
  EXPECT_EQ(plan.scale[0], (std::pair<std::string, int>{old_rs["metadata"]["name"], 11}));
  EXPECT_EQ(plan.scale[1], (std::pair<std::string, int>{new_rs["metadata"]["name"], 7}));
  EXPECT_EQ(plan.desired_replicas, 15);
  EXPECT_EQ(plan.max_replicas, 18);
  ASSERT_EQ(plan.events.size(), 2u);
  EXPECT_EQ(plan.events[0].message, "Scaled up replica set " + old_rs["metadata"]["name"].get<std::string>() + " from 8 to 11");

  // Once both carry the new size in their annotations, the rollout goes on from there.
  old_rs["spec"]["replicas"] = 11;
  new_rs["spec"]["replicas"] = 7;
  for (auto* rs : {&old_rs, &new_rs}) {
    (*rs)["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = "15";
    (*rs)["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] = "18";
  }
  plan = plan_deployment(resized, {old_rs, new_rs}, now);
  EXPECT_TRUE(plan.scale.empty()) << "18 of 18 allowed run, and no new pod is available to retire an old one for";
}

TEST(PlanDeployment, AResizeWithOneActiveReplicaSetRefreshesItsAnnotations) {
  auto rs = replica_set_of(deployment(3), 3, 3, "2026-11-30T10:00:00Z", 1);
  rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = "2";  // sized for 2, then scaled by hand
  auto plan = plan_deployment(deployment(3), {rs}, now);
  ASSERT_EQ(plan.scale.size(), 1u) << "same size, but its annotations are written again";
  EXPECT_EQ(plan.scale[0].second, 3);
  EXPECT_TRUE(plan.events.empty());
}

TEST(PlanDeployment, NoProgressPastTheDeadlineIsProgressDeadlineExceeded) {
  auto d = deployment(2, "web:v2");
  d["spec"]["progressDeadlineSeconds"] = 60;
  auto new_rs = replica_set_of(d, 2, 0, "2026-11-30T11:00:00Z", 2);
  // The counts the last step wrote: nothing has moved since.
  d["status"] = {{"replicas", 2}, {"updatedReplicas", 2}, {"readyReplicas", 0}, {"availableReplicas", 0}};
  d["status"]["conditions"] = json::array({{{"type", "Progressing"}, {"status", "True"}, {"reason", "ReplicaSetUpdated"},
                                            {"lastUpdateTime", "2026-11-30T11:59:30Z"},
                                            {"lastTransitionTime", "2026-11-30T11:00:00Z"}}});
  auto plan = plan_deployment(d, {new_rs}, now);
  EXPECT_EQ(plan.status["conditions"][1]["reason"], "ReplicaSetUpdated") << "30 s without progress: within the deadline";
  EXPECT_EQ(plan.status["conditions"][1]["lastUpdateTime"], "2026-11-30T11:59:30Z") << "renewed only by progress";

  d["status"]["conditions"][0]["lastUpdateTime"] = "2026-11-30T11:58:00Z";
  plan = plan_deployment(d, {new_rs}, now);
  EXPECT_EQ(plan.status["conditions"][1]["status"], "False");
  EXPECT_EQ(plan.status["conditions"][1]["reason"], "ProgressDeadlineExceeded");

  // It stays exceeded on the next step, and progress (a pod became available) lifts it.
  d["status"]["conditions"] = json::array({plan.status["conditions"][1]});
  EXPECT_EQ(plan_deployment(d, {new_rs}, "2026-11-30T12:05:00Z").status["conditions"][1]["reason"], "ProgressDeadlineExceeded");
  new_rs["status"]["readyReplicas"] = 1;
  new_rs["status"]["availableReplicas"] = 1;
  plan = plan_deployment(d, {new_rs}, "2026-11-30T12:05:00Z");
  EXPECT_EQ(plan.status["conditions"][1]["status"], "True");
  EXPECT_EQ(plan.status["conditions"][1]["reason"], "ReplicaSetUpdated");
  EXPECT_EQ(plan.status["conditions"][1]["lastUpdateTime"], "2026-11-30T12:05:00Z");
}

TEST(PlanDeployment, ResumingSaysSoAndTheDeadlineCountsFromThere) {
  auto d = deployment(2, "web:v2");
  auto new_rs = replica_set_of(d, 2, 0, "2026-11-30T11:00:00Z", 2);
  d["status"] = {{"replicas", 2}, {"updatedReplicas", 2}};
  d["status"]["conditions"] = json::array({{{"type", "Progressing"}, {"status", "Unknown"}, {"reason", "DeploymentPaused"},
                                            {"lastUpdateTime", "2026-11-30T09:00:00Z"},
                                            {"lastTransitionTime", "2026-11-30T09:00:00Z"}}});
  auto plan = plan_deployment(d, {new_rs}, now);
  EXPECT_EQ(plan.status["conditions"][1]["reason"], "DeploymentResumed");
  EXPECT_EQ(plan.status["conditions"][1]["lastUpdateTime"], now);
}

}  // namespace
}  // namespace orkest::control
