// `orkest agent` against a real orkest server, both with real podman on this machine (each node
// with its own pod network): the agent joins with the server's token (a wrong one is refused),
// registers its Node, runs the pods the scheduler binds to it as its own containers and reports
// their status through the API; killed, it is found silent and its ReplicaSet's pods run again
// on the server's node.

#include "fixture.hpp"

namespace orkest::itest {
namespace {

class Agents : public OrkestIntegration {
 protected:
  orkest_options options() const override { return quick_node_loss(); }

  std::unique_ptr<orkest_process> start_agent(const std::string& token) {
    orkest_options settings = quick_node_loss();
    settings.agent = orkest_options::agent_target{orkest().port(), token};
    auto agent = std::make_unique<orkest_process>(settings);
    agent_error_ = agent->start();
    return agent;
  }

  void cordon(const std::string& name, bool unschedulable) {
    auto reply = api().request("PATCH", "/api/v1/nodes/" + name, json{{"spec", {{"unschedulable", unschedulable}}}}.dump(),
                               "application/merge-patch+json");
    ASSERT_EQ(reply.status, 200) << reply.describe();
  }

  std::string agent_error_;
};

TEST_F(Agents, AWrongTokenIsRefused) {
  auto agent = start_agent("not-the-token");
  EXPECT_NE(agent_error_, "");
  EXPECT_NE(agent->log().find("cannot join"), std::string::npos) << agent->log();
  EXPECT_NE(agent->log().find("401 Unauthorized"), std::string::npos) << agent->log();
}

TEST_F(Agents, AnAgentRunsThePodsBoundToItAndItsLossMovesThemToTheServer) {
  auto agent = start_agent(orkest().join_token());
  ASSERT_EQ(agent_error_, "") << agent->log();
  const auto there = agent->node_name(), here = orkest().node_name();
  ASSERT_TRUE(eventually([&] { return ready_of(node(there)) == "True"; }, 10s)) << node(there).dump();

  // A pod placed on the agent by its hostname label runs there as the agent's container.
  auto name = unique("placed");
  auto pod = pod_manifest(name);
  pod["spec"]["nodeSelector"] = {{"kubernetes.io/hostname", there}};
  ASSERT_EQ(api().post(pods_url, pod).status, 201);
  auto running = pod_reaching_phase(name, "Running", 40s);
  ASSERT_FALSE(running.is_null()) << agent->log();
  EXPECT_EQ(running.value("/spec/nodeName"_json_pointer, std::string{}), there);
  // Its address is from the podCIDR the server gave the agent's node (a /28 of 10.43.x.0/24 here).
  const auto pod_cidr = node(there).value("/spec/podCIDR"_json_pointer, std::string{});
  ASSERT_EQ(pod_cidr.rfind("10.43.", 0), 0u) << pod_cidr;
  const auto ip = pod_ip_of(running);
  EXPECT_EQ(ip.substr(0, ip.rfind('.')), pod_cidr.substr(0, pod_cidr.rfind('.'))) << ip << " in " << pod_cidr;
  EXPECT_EQ(agent->container_ids().size(), 1u);
  EXPECT_TRUE(container_running(container_id_of(running)));
  EXPECT_TRUE(orkest().container_ids().empty()) << "the server's node runs nothing";
  ASSERT_EQ(api().del(pods_url + "/" + name).status, 200);
  EXPECT_TRUE(eventually([&] { return get_pod(name).is_null() && agent->container_ids().empty(); }, 40s))
      << "the agent stops and removes the deleted pod's container";

  // A ReplicaSet placed on the agent while the server's node is cordoned.
  cordon(here, true);
  auto rs = unique("moving");
  auto selector = "rs%3D" + rs;
  ASSERT_EQ(api().post(replicasets_url, replicaset_manifest(rs, 2)).status, 201);
  ASSERT_TRUE(eventually([&] { return running_pods(selector) == 2 && agent->container_ids().size() == 2; }, 40s))
      << describe_pods(selector);
  cordon(here, false);

  // The agent dies with its containers still running (as a machine's network would go): its
  // node is Unknown within the grace period and the pods run again here.
  agent->kill();
  bool moved = eventually(
      [&] {
        int running_here = 0;
        for (const auto& p : list_pods(selector))
          if (p.value("/spec/nodeName"_json_pointer, std::string{}) == here && is_running(p) &&
              !p["metadata"].contains("deletionTimestamp"))
            ++running_here;
        return running_here == 2 && orkest().container_ids().size() == 2;
      },
      40s);
  EXPECT_TRUE(moved) << describe_pods(selector);
  EXPECT_EQ(ready_of(node(there)), "Unknown");
}

TEST_F(Agents, AnAgentKeepsItsPodsWhileTheServerIsAwayAndRejoinsWhenItIsBack) {
  auto agent = start_agent(orkest().join_token());
  ASSERT_EQ(agent_error_, "") << agent->log();
  const auto there = agent->node_name();
  auto name = unique("steady");
  auto pod = pod_manifest(name);
  pod["spec"]["nodeSelector"] = {{"kubernetes.io/hostname", there}};
  ASSERT_EQ(api().post(pods_url, pod).status, 201);
  auto running = pod_reaching_phase(name, "Running", 40s);
  ASSERT_FALSE(running.is_null());
  const auto container = container_id_of(running);

  // The server is killed: the agent's container runs on, unattended.
  orkest().kill();
  EXPECT_TRUE(consistently([&] { return container_running(container); }, 3s));
  // Back (its database kept everything): the agent's watches and lease find it again.
  ASSERT_EQ(orkest().start(), "") << orkest().log();
  const auto lease_url = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + there;
  auto renewed_before = api().get(lease_url).json().value("/spec/renewTime"_json_pointer, std::string{});
  EXPECT_TRUE(eventually([&] {
    return api().get(lease_url).json().value("/spec/renewTime"_json_pointer, std::string{}) != renewed_before;
  }, 10s)) << "the agent renews its lease again";
  EXPECT_EQ(container_id_of(get_pod(name)), container) << "the same container, not a new one";
  EXPECT_EQ(ready_of(node(there)), "True");
  // And it takes new work from the server again.
  auto second = unique("after");
  auto next = pod_manifest(second);
  next["spec"]["nodeSelector"] = {{"kubernetes.io/hostname", there}};
  ASSERT_EQ(api().post(pods_url, next).status, 201);
  EXPECT_FALSE(pod_reaching_phase(second, "Running", 40s).is_null()) << agent->log();
}

}  // namespace
}  // namespace orkest::itest
