// plan_replicaset, table-driven: how many pods a sync creates, which it deletes, and the
// status it reports, from the ReplicaSet and the pods it owns.

#include <gtest/gtest.h>

#include "model/timestamp.hpp"

#include "control/replicaset_sync.hpp"

namespace orkest::control {
namespace {

using nlohmann::json;

json replicaset(int replicas) {
  return {{"metadata", {{"name", "web"}, {"namespace", "default"}, {"uid", "rs-1"}, {"generation", 3}}},
          {"spec",
           {{"replicas", replicas},
            {"template", {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", {{"containers", json::array()}}}}}}}};
}

enum class state { pending, running, ready, terminating, failed };

json pod(const std::string& name, state s, const std::string& created = "2026-11-29T10:00:00Z") {
  json p = {{"metadata", {{"name", name}, {"namespace", "default"}, {"creationTimestamp", created},
                          {"labels", {{"app", "web"}}}}},
            {"status", {{"phase", "Pending"}}}};
  if (s == state::running || s == state::ready || s == state::terminating) p["status"]["phase"] = "Running";
  if (s == state::ready || s == state::terminating)
    p["status"]["conditions"] = json::array({{{"type", "Ready"}, {"status", "True"}}});
  if (s == state::terminating) p["metadata"]["deletionTimestamp"] = "2026-11-29T10:05:00Z";
  if (s == state::failed) p["status"]["phase"] = "Failed";
  return p;
}

struct plan_case {
  const char* what;
  int replicas;
  std::vector<json> pods;
  int creating;
  std::set<std::string> deleting;
  int expected_create;
  std::vector<std::string> expected_remove;
  int expected_status_replicas;
  int expected_ready;
};

TEST(PlanReplicaset, DecidesCreationsDeletionsAndStatus) {
  const std::vector<plan_case> cases = {
      {"nothing yet: create all", 3, {}, 0, {}, 3, {}, 0, 0},
      {"creations in flight count", 3, {pod("a", state::ready)}, 1, {}, 1, {}, 1, 1},
      {"at the count: nothing", 2, {pod("a", state::ready), pod("b", state::running)}, 0, {}, 0, {}, 2, 1},
      {"terminating and failed pods are not counted", 2,
       {pod("a", state::ready), pod("b", state::terminating), pod("c", state::failed)}, 0, {}, 1, {}, 1, 1},
      {"pods being deleted are not counted", 2, {pod("a", state::ready), pod("b", state::ready)}, 0, {"b"}, 1, {}, 1,
       1},
      {"scale down: pending before not ready before ready", 1,
       {pod("ready", state::ready), pod("pending", state::pending), pod("running", state::running)}, 0, {}, 0,
       {"pending", "running"}, 3, 1},
      {"scale down: the youngest of equals first", 1,
       {pod("old", state::ready, "2026-11-29T09:00:00Z"), pod("young", state::ready, "2026-11-29T11:00:00Z")}, 0, {},
       0, {"young"}, 2, 2},
      {"no deletion while creations are in flight", 1, {pod("a", state::ready), pod("b", state::ready)}, 1, {}, 0, {},
       2, 2},
      {"a burst is capped", 10000, {}, 0, {}, burst_replicas, {}, 0, 0},
      {"zero replicas: delete all", 0, {pod("a", state::ready)}, 0, {}, 0, {"a"}, 1, 1},
  };
  for (const auto& c : cases) {
    auto plan = plan_replicaset(replicaset(c.replicas), c.pods, c.creating, c.deleting, std::chrono::system_clock::now());
    EXPECT_EQ(plan.create, c.expected_create) << c.what;
    EXPECT_EQ(plan.remove, c.expected_remove) << c.what;
    EXPECT_EQ(plan.status["replicas"], c.expected_status_replicas) << c.what;
    EXPECT_EQ(plan.status["readyReplicas"], c.expected_ready) << c.what;
    EXPECT_EQ(plan.status["observedGeneration"], 3) << c.what;
  }
}

TEST(PlanReplicaset, MissingReplicasMeansOne) {
  json rs = replicaset(0);
  rs["spec"].erase("replicas");
  EXPECT_EQ(plan_replicaset(rs, {}, 0, {}, std::chrono::system_clock::now()).create, 1);
}

TEST(PlanReplicaset, FullyLabeledCountsPodsCarryingEveryTemplateLabel) {
  json partial = pod("b", state::ready);
  partial["metadata"]["labels"] = {{"other", "x"}};
  auto plan = plan_replicaset(replicaset(2), {pod("a", state::ready), partial}, 0, {}, std::chrono::system_clock::now());
  EXPECT_EQ(plan.status["fullyLabeledReplicas"], 1);
}

TEST(PlanReplicaset, APodIsAvailableOnceReadyForMinReadySeconds) {
  json rs = replicaset(2);
  rs["spec"]["minReadySeconds"] = 10;
  auto ready_since = [](const std::string& name, const std::string& since) {
    json p = pod(name, state::ready);
    p["status"]["conditions"][0]["lastTransitionTime"] = since;
    return p;
  };
  const auto now = *model::parse_rfc3339("2026-11-30T12:00:10Z");
  auto plan = plan_replicaset(rs, {ready_since("a", "2026-11-30T12:00:00Z"), ready_since("b", "2026-11-30T12:00:05Z")}, 0,
                              {}, now);
  EXPECT_EQ(plan.status["readyReplicas"], 2);
  EXPECT_EQ(plan.status["availableReplicas"], 1) << "b has been ready for 5 s of 10";
  ASSERT_TRUE(plan.available_in);
  EXPECT_EQ(*plan.available_in, std::chrono::seconds(5)) << "b becomes available 5 s from now";
  plan = plan_replicaset(rs, {ready_since("a", "2026-11-30T12:00:00Z")}, 0, {}, now);
  EXPECT_FALSE(plan.available_in) << "every ready pod is available: nothing to wait for";
}

TEST(PodFromTemplate, CarriesTheTemplateAndAControllingOwner) {
  json rs = replicaset(1);
  rs["spec"]["template"]["metadata"]["annotations"] = {{"note", "n"}};
  json made = pod_from_template(rs);
  EXPECT_EQ(made["metadata"]["generateName"], "web-");
  EXPECT_EQ(made["metadata"]["namespace"], "default");
  EXPECT_EQ(made["metadata"]["labels"], json({{"app", "web"}}));
  EXPECT_EQ(made["metadata"]["annotations"], json({{"note", "n"}}));
  const auto& owner = made["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["uid"], "rs-1");
  EXPECT_EQ(owner["kind"], "ReplicaSet");
  EXPECT_EQ(owner["controller"], true);
  EXPECT_EQ(made["spec"], rs["spec"]["template"]["spec"]);
}

}  // namespace
}  // namespace orkest::control
