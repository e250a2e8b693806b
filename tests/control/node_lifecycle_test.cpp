// The node lifecycle decisions: the heartbeat marker, Unknown status, the taints of the Ready
// condition, and which pods a NoExecute taint evicts when.

#include <gtest/gtest.h>

#include "model/timestamp.hpp"
#include "control/node_lifecycle.hpp"
#include "control/node_registration.hpp"

namespace orkest::control {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const auto now = *model::parse_rfc3339("2026-11-30T10:00:00Z");

json ready_node(const std::string& status = "True") {
  return {{"metadata", {{"name", "n1"}, {"creationTimestamp", "2026-11-30T09:00:00Z"}}},
          {"spec", json::object()},
          {"status",
           {{"conditions", json::array({{{"type", "MemoryPressure"}, {"status", "False"}},
                                        {{"type", "Ready"}, {"status", status}, {"lastHeartbeatTime", "2026-11-30T09:59:50Z"},
                                         {"lastTransitionTime", "2026-11-30T09:00:00Z"}}})}}}};
}

TEST(node_lifecycle, the_heartbeat_marker_is_the_lease_renewal_else_the_ready_heartbeat) {
  json lease = {{"spec", {{"renewTime", "2026-11-30T09:59:58.123456Z"}}}};
  EXPECT_EQ(heartbeat_marker(ready_node(), lease), "2026-11-30T09:59:58.123456Z");
  EXPECT_EQ(heartbeat_marker(ready_node(), nullptr), "2026-11-30T09:59:50Z");
  EXPECT_EQ(heartbeat_marker(json::object(), nullptr), "");
}

TEST(node_lifecycle, a_silent_node_has_every_condition_unknown_once) {
  auto status = status_unknown(ready_node(), now);
  ASSERT_EQ(status["conditions"].size(), 2u);
  for (const auto& condition : status["conditions"]) {
    EXPECT_EQ(condition["status"], "Unknown");
    EXPECT_EQ(condition["reason"], "NodeStatusUnknown");
    EXPECT_EQ(condition["message"], "Kubelet stopped posting node status.");
    EXPECT_EQ(condition["lastTransitionTime"], "2026-11-30T10:00:00Z");
  }
  EXPECT_EQ(status["conditions"][1]["lastHeartbeatTime"], "2026-11-30T09:59:50Z");  // kept
  // A node that never posted a status gets a Ready condition saying so.
  json bare = {{"metadata", {{"name", "n2"}, {"creationTimestamp", "2026-11-30T09:00:00Z"}}}};
  auto never = status_unknown(bare, now);
  ASSERT_EQ(never["conditions"].size(), 1u);
  EXPECT_EQ(never["conditions"][0]["reason"], "NodeStatusNeverUpdated");
  EXPECT_EQ(ready_status(json{{"status", never}}), "Unknown");
}

TEST(node_lifecycle, taints_follow_the_ready_condition_and_others_stay) {
  json node = ready_node("Unknown");
  node["spec"]["taints"] = json::array({{{"key", "dedicated"}, {"value", "ci"}, {"effect", "NoSchedule"}}});
  auto taints = taints_for_condition(node, now);
  ASSERT_EQ(taints.size(), 3u);
  EXPECT_EQ(taints[0]["key"], "dedicated");
  EXPECT_EQ(taints[1], (json{{"key", unreachable_taint}, {"effect", "NoSchedule"}}));
  EXPECT_EQ(taints[2], (json{{"key", unreachable_taint}, {"effect", "NoExecute"}, {"timeAdded", "2026-11-30T10:00:00Z"}}));
  // Unchanged once there: the time added stays.
  node["spec"]["taints"] = taints;
  EXPECT_EQ(taints_for_condition(node, now + 30s), taints);
  // NotReady instead: the not-ready taints replace the unreachable ones.
  node["status"]["conditions"][1]["status"] = "False";
  auto not_ready = taints_for_condition(node, now);
  ASSERT_EQ(not_ready.size(), 3u);
  EXPECT_EQ(not_ready[1]["key"], not_ready_taint);
  // Ready again: only the user's taint is left.
  node["status"]["conditions"][1]["status"] = "True";
  EXPECT_EQ(taints_for_condition(node, now), json::array({{{"key", "dedicated"}, {"value", "ci"}, {"effect", "NoSchedule"}}}));
}

TEST(node_lifecycle, no_execute_taints_evict_pods_that_do_not_tolerate_them_at_once_or_after_their_seconds) {
  json taints = json::array({{{"key", unreachable_taint}, {"effect", "NoExecute"}, {"timeAdded", "2026-11-30T10:00:00Z"}},
                             {{"key", unreachable_taint}, {"effect", "NoSchedule"}}});
  json pod = {{"spec", json::object()}};
  EXPECT_TRUE(eviction_for(pod, taints, now).evict);

  pod["spec"]["tolerations"] = json::array({{{"key", unreachable_taint}, {"operator", "Exists"}, {"effect", "NoExecute"},
                                             {"tolerationSeconds", 300}}});
  auto waiting = eviction_for(pod, taints, now + 100s);
  EXPECT_FALSE(waiting.evict);
  ASSERT_TRUE(waiting.evict_in.has_value());
  EXPECT_EQ(*waiting.evict_in, 200s);
  EXPECT_TRUE(eviction_for(pod, taints, now + 300s).evict);

  pod["spec"]["tolerations"][0].erase("tolerationSeconds");  // tolerated for good
  auto staying = eviction_for(pod, taints, now + 3600s);
  EXPECT_FALSE(staying.evict);
  EXPECT_FALSE(staying.evict_in.has_value());
  // NoSchedule taints alone evict nobody.
  EXPECT_FALSE(eviction_for(json{{"spec", json::object()}}, json::array({taints[1]}), now).evict);
}

TEST(node_registration, a_node_registers_with_its_capacity_addresses_and_ready_condition) {
  node_description description;
  description.name = "n1";
  description.cpu_cores = 2;
  description.memory_bytes = 4096LL * 1024 * 1024;
  description.max_pods = 50;
  description.internal_ip = "192.168.1.5";
  description.hostname = "host";
  description.labels = {{"node-role.kubernetes.io/control-plane", "true"}};
  auto node = node_object(description, now);
  EXPECT_EQ(node["metadata"]["labels"]["kubernetes.io/hostname"], "n1");
  EXPECT_EQ(node["metadata"]["labels"]["node-role.kubernetes.io/control-plane"], "true");
  EXPECT_EQ(node["status"]["capacity"], (json{{"cpu", "2"}, {"memory", "4194304Ki"}, {"pods", "50"}}));
  EXPECT_EQ(node["status"]["allocatable"], node["status"]["capacity"]);
  EXPECT_EQ(node["status"]["addresses"][0], (json{{"type", "InternalIP"}, {"address", "192.168.1.5"}}));
  EXPECT_EQ(ready_status(node), "True");

  // Posted again later: the heartbeat moves, the transition time stays.
  auto later = node_status(description, node["status"], now + 10s);
  EXPECT_EQ(later["conditions"][3]["type"], "Ready");
  EXPECT_EQ(later["conditions"][3]["lastHeartbeatTime"], "2026-11-30T10:00:10Z");
  EXPECT_EQ(later["conditions"][3]["lastTransitionTime"], "2026-11-30T10:00:00Z");

  auto lease = node_lease("n1", 8s, now + 1500ms);
  EXPECT_EQ(lease["metadata"]["namespace"], "kube-node-lease");
  EXPECT_EQ(lease["spec"]["renewTime"], "2026-11-30T10:00:01.500000Z");
  EXPECT_EQ(lease["spec"]["leaseDurationSeconds"], 8);
}

}  // namespace
}  // namespace orkest::control
