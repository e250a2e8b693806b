// The node side of the control plane on the deterministic scheduler: the node registers and
// renews its Lease, the scheduler binds pods (or says why it cannot, and tries again when the
// nodes change), a cordon keeps new pods off, and a node that falls silent becomes Unknown,
// tainted, and loses its pods to the others.

#include <set>

#include "tests/actors/actor_test_support.hpp"
#include "tests/model/manifests.hpp"

namespace orkest::testing {
namespace {

using namespace std::chrono_literals;

json pod_manifest(const std::string& name, const std::string& cpu = "") {
  json container = {{"name", "app"}, {"image", "busybox:1.35"}};
  if (!cpu.empty()) container["resources"] = {{"requests", {{"cpu", cpu}}}};
  return {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", name}}}, {"spec", {{"containers", {container}}}}};
}

// A Node nobody runs: registered by hand, it never renews a lease.
json silent_node(const std::string& name, const std::string& cpu = "4") {
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata", {{"name", name}}},
          {"status", {{"capacity", {{"cpu", cpu}, {"memory", "8Gi"}, {"pods", "110"}}}}}};
}

class scheduling_test : public control_plane_actors {
 protected:
  void configure(actors::control_plane_settings& settings) override {
    settings.node.node.cpu_cores = 2;
    settings.node.node.memory_bytes = 4LL << 30;
    settings.node_grace_period = 8s;
  }

  // Time passes a second at a time, so the node's own lease is renewed on time meanwhile.
  void pass(std::chrono::seconds duration) {
    for (auto s = 0s; s < duration; s += 1s) advance_time(1s);
  }

  json pod(const std::string& name) { return get("Pod", name).object; }
  std::string node_of(const std::string& name) { return pod(name)["spec"].value("nodeName", ""); }

  json condition(const json& object, const std::string& type) {
    for (const auto& c : object["status"].value("conditions", json::array()))
      if (c["type"] == type) return c;
    return nullptr;
  }

  std::vector<json> events_for(const std::string& name, const std::string& reason) {
    return items_of(ask(actors::list_atom::value,
                        store::list_request{"Event", "default", "", "involvedObject.name=" + name + ",reason=" + reason}));
  }
};

TEST_F(scheduling_test, the_node_registers_itself_and_renews_its_lease) {
  auto node = get("Node", "orkest", "");
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(node.object["status"]["allocatable"]["cpu"], "2");
  EXPECT_EQ(condition(node.object, "Ready")["status"], "True");
  auto lease = get("Lease", "orkest", "kube-node-lease");
  ASSERT_TRUE(lease.ok());
  auto renewed = lease.object["spec"]["renewTime"];
  pass(3s);
  EXPECT_NE(get("Lease", "orkest", "kube-node-lease").object["spec"]["renewTime"], renewed);
  // Deleted by hand, the node registers again at its next status post.
  ASSERT_TRUE(remove("Node", "orkest", "").ok());
  pass(10s);
  EXPECT_TRUE(get("Node", "orkest", "").ok());
}

TEST_F(scheduling_test, each_node_gets_its_own_pod_cidr) {
  ASSERT_TRUE(create(silent_node("second"), "").ok());
  run();
  // This node registered without one (the fixture gives it no pod subnet): both get a block.
  std::set<std::string> cidrs;
  for (const char* name : {"orkest", "second"}) {
    auto node = get("Node", name, "").object;
    cidrs.insert(node["spec"].value("podCIDR", ""));
    EXPECT_EQ(node["spec"]["podCIDRs"][0], node["spec"]["podCIDR"]);
  }
  EXPECT_EQ(cidrs, (std::set<std::string>{"10.42.0.0/24", "10.42.1.0/24"}));
}

TEST_F(scheduling_test, a_pod_is_bound_to_the_node_and_runs_there) {
  ASSERT_TRUE(create(pod_manifest("web")).ok());
  run();
  EXPECT_EQ(node_of("web"), "orkest");
  EXPECT_EQ(condition(pod("web"), "PodScheduled")["status"], "True");
  EXPECT_EQ(pod("web")["status"]["phase"], "Running");
  auto scheduled = events_for("web", "Scheduled");
  ASSERT_EQ(scheduled.size(), 1u);
  EXPECT_EQ(scheduled[0]["message"], "Successfully assigned default/web to orkest");
  EXPECT_EQ(scheduled[0]["source"]["component"], "default-scheduler");
}

TEST_F(scheduling_test, a_pod_no_node_fits_waits_and_is_placed_when_a_node_that_fits_comes) {
  ASSERT_TRUE(create(pod_manifest("big", "3")).ok());
  run();
  EXPECT_EQ(node_of("big"), "");
  auto scheduled = condition(pod("big"), "PodScheduled");
  EXPECT_EQ(scheduled["status"], "False");
  EXPECT_EQ(scheduled["reason"], "Unschedulable");
  EXPECT_EQ(scheduled["message"], "0/1 nodes are available: 1 Insufficient cpu.");
  auto failed = events_for("big", "FailedScheduling");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["type"], "Warning");
  advance_to_next_resync();
  EXPECT_EQ(events_for("big", "FailedScheduling")[0].value("count", 1), 1) << "the same reason is not said again";

  ASSERT_TRUE(create(silent_node("roomy"), "").ok());
  run();
  EXPECT_EQ(node_of("big"), "roomy");
  EXPECT_EQ(condition(pod("big"), "PodScheduled")["status"], "True");
}

TEST_F(scheduling_test, a_cordoned_node_takes_no_new_pods_until_uncordoned) {
  ASSERT_TRUE(create(pod_manifest("before")).ok());
  run();
  ASSERT_TRUE(ask(actors::patch_atom::value, object_key{"Node", "", "orkest"},
                  store::patch_request{store::patch_type::strategic_merge, {{"spec", {{"unschedulable", true}}}}, false})
                  .ok());
  ASSERT_TRUE(create(pod_manifest("after")).ok());
  run();
  EXPECT_EQ(node_of("after"), "");
  EXPECT_EQ(condition(pod("after"), "PodScheduled")["message"], "0/1 nodes are available: 1 node(s) were unschedulable.");
  EXPECT_EQ(pod("before")["status"]["phase"], "Running") << "a cordon does not touch running pods";

  ASSERT_TRUE(ask(actors::patch_atom::value, object_key{"Node", "", "orkest"},
                  store::patch_request{store::patch_type::merge, {{"spec", {{"unschedulable", nullptr}}}}, false})
                  .ok());
  run();
  EXPECT_EQ(node_of("after"), "orkest");
  EXPECT_EQ(pod("after")["status"]["phase"], "Running");
}

TEST_F(scheduling_test, a_silent_node_becomes_unknown_is_tainted_and_its_pods_go_elsewhere) {
  // The silent node is emptier than this one: the ReplicaSet's pods go there first.
  ASSERT_TRUE(create(silent_node("ghost", "64"), "").ok());
  ASSERT_TRUE(create(replicaset_manifest("web", 2)).ok());
  run();
  int on_ghost = 0;
  for (const auto& p : all_pods()) on_ghost += p["spec"]["nodeName"] == "ghost";
  ASSERT_GE(on_ghost, 1);

  pass(10s);
  auto ghost = get("Node", "ghost", "").object;
  EXPECT_EQ(condition(ghost, "Ready")["status"], "Unknown");
  EXPECT_EQ(ghost["spec"]["taints"].size(), 2u);
  EXPECT_EQ(ghost["spec"]["taints"][0]["key"], "node.kubernetes.io/unreachable");
  EXPECT_EQ(condition(get("Node", "orkest", "").object, "Ready")["status"], "True") << "this node renewed its lease";
  // The ghost's pods are marked for deletion (nobody there finishes them); their replacements
  // run here.
  int running_here = 0, terminating_on_ghost = 0;
  for (const auto& p : all_pods()) {
    if (p["spec"]["nodeName"] == "orkest" && p["status"]["phase"] == "Running") ++running_here;
    if (p["spec"]["nodeName"] == "ghost") {
      EXPECT_TRUE(p["metadata"].contains("deletionTimestamp")) << p["metadata"]["name"];
      ++terminating_on_ghost;
    }
  }
  EXPECT_EQ(running_here, 2);
  EXPECT_EQ(terminating_on_ghost, on_ghost);
  EXPECT_FALSE(items_of(ask(actors::list_atom::value,
                            store::list_request{"Event", "", "", "reason=NodeNotReady,involvedObject.name=ghost"}))
                   .empty());
}

TEST_F(scheduling_test, pods_of_a_node_that_no_longer_exists_go_after_the_quarantine) {
  ASSERT_TRUE(create(silent_node("gone"), "").ok());
  json bound = pod_manifest("stranded");
  bound["spec"]["nodeName"] = "gone";  // placed by hand: no scheduler involved
  ASSERT_TRUE(create(bound).ok());
  ASSERT_TRUE(remove("Node", "gone", "").ok());
  pass(30s);
  EXPECT_TRUE(get("Pod", "stranded").ok()) << "a node may be about to register: 40 s of quarantine";
  pass(15s);
  EXPECT_EQ(get("Pod", "stranded").error->code, 404) << "nobody would ever run or finish it";
}

}  // namespace
}  // namespace orkest::testing
