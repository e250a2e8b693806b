// Nodes against a real orkest with real podman: a second Node that never renews a lease (a
// machine that died) gets pods from the scheduler like any node, then is found silent, marked
// NotReady and tainted unreachable, and its pods are made again on the node that lives, where
// they run as real containers.

#include "fixture.hpp"

namespace orkest::itest {
namespace {

class NodeFailover : public OrkestIntegration {
 protected:
  orkest_options options() const override { return quick_node_loss(); }
};

TEST_F(NodeFailover, ALostNodesPodsRunAgainOnTheNodeLeft) {
  // A roomy node nobody runs: the scheduler prefers it (least allocated) for the first replica.
  auto ghost = api().post("/api/v1/nodes", json{{"metadata", {{"name", "ghost"}}},
                                                {"status", {{"capacity", {{"cpu", "64"}, {"memory", "256Gi"}, {"pods", "110"}}}}}});
  ASSERT_EQ(ghost.status, 201) << ghost.describe();
  auto name = unique("failover");
  auto selector = "rs%3D" + name;
  ASSERT_EQ(api().post(replicasets_url, replicaset_manifest(name, 2)).status, 201);

  std::string on_ghost;
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& pod : list_pods(selector))
          if (pod.value("/spec/nodeName"_json_pointer, std::string{}) == "ghost")
            on_ghost = pod.value("/metadata/name"_json_pointer, std::string{});
        return !on_ghost.empty();
      },
      10s))
      << "no pod went to the roomy node:" << describe_pods(selector);

  // Within the grace period (3 s) and a monitor pass, the ghost is Unknown and tainted; its pod
  // is deleted and replaced on this node, where both replicas then run.
  const auto here = orkest().node_name();
  int running_here = 0;
  bool recovered = eventually(
      [&] {
        running_here = 0;
        for (const auto& pod : list_pods(selector))
          if (pod.value("/spec/nodeName"_json_pointer, std::string{}) == here && is_running(pod) &&
              !pod["metadata"].contains("deletionTimestamp") && container_running(container_id_of(pod)))
            ++running_here;
        return running_here == 2;
      },
      30s);
  EXPECT_TRUE(recovered) << "running here: " << running_here << describe_pods(selector);
  auto lost = node("ghost");
  EXPECT_EQ(ready_of(lost), "Unknown") << lost.dump();
  EXPECT_NE(lost.dump().find("node.kubernetes.io/unreachable"), std::string::npos) << lost.dump();
  EXPECT_EQ(ready_of(node(here)), "True") << "this node renews its lease";
  auto evicted = get_pod(on_ghost);
  EXPECT_TRUE(evicted.is_null() || evicted["metadata"].contains("deletionTimestamp"))
      << "the lost node's pod is deleted (it stays Terminating while nobody there finishes it): " << evicted.dump();
}

}  // namespace
}  // namespace orkest::itest
