// Nodes, Leases and the scheduling fields of pods: defaults, validation as Kubernetes words it,
// what orkest refuses, and the printed columns.

#include <gtest/gtest.h>

#include "model/defaults.hpp"
#include "model/kind_strategy.hpp"
#include "model/timestamp.hpp"
#include "model/validation.hpp"
#include "tests/model/kinds/kind_checks.hpp"

namespace orkest::model {
namespace {

using nlohmann::json;

using testing::causes_of;
using testing::defaulted;

json node(json spec, json status = json::object()) {
  return {{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "n1"}}}, {"spec", std::move(spec)},
          {"status", std::move(status)}};
}

json pod_spec(json fields) {
  json spec = {{"containers", json::array({{{"name", "c"}, {"image", "busybox"}}})}};
  spec.update(fields);
  return {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "p"}, {"namespace", "default"}}}, {"spec", spec}};
}

TEST(Node, AllocatableDefaultsToCapacityAndTheStatusIsKept) {
  json capacity = {{"cpu", "2"}, {"memory", "4Gi"}, {"pods", "110"}};
  auto object = defaulted("Node", node(json::object(), {{"capacity", capacity}}));
  EXPECT_EQ(object["status"]["allocatable"], capacity);
  EXPECT_EQ(causes_of("Node", object), "");
  const auto& strategy = strategy_for(*find_kind("Node"));
  EXPECT_EQ(strategy.initial_status(object)["capacity"], capacity) << "a node registers with its status";
  EXPECT_FALSE(find_kind("Node")->namespaced);
}

TEST(Node, TaintsCidrsAndQuantitiesAreChecked) {
  EXPECT_EQ(causes_of("Node", node({{"taints", json::array({{{"key", "dedicated"}, {"value", "ci"}, {"effect", "NoSchedule"}}})}})), "");
  EXPECT_EQ(causes_of("Node", node({{"taints", json::array({{{"key", "a"}, {"effect", "Sometimes"}}})}})),
            "spec.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"\n");
  EXPECT_EQ(causes_of("Node", node({{"taints", json::array({{{"effect", "NoSchedule"}}})}})), "spec.taints[0].key: Required value\n");
  EXPECT_EQ(causes_of("Node", node({{"taints", json::array({{{"key", "a"}, {"effect", "NoSchedule"}},
                                                             {{"key", "a"}, {"value", "b"}, {"effect", "NoSchedule"}}})}})),
            "spec.taints[1].effect: Duplicate value: \"NoSchedule\"\n");
  EXPECT_EQ(causes_of("Node", node({{"podCIDR", "10.42.0.0/33"}})),
            "spec.podCIDR: Invalid value: \"10.42.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)\n");
  EXPECT_EQ(causes_of("Node", node({{"podCIDR", "10.42.1.0/24"}, {"podCIDRs", {"10.42.1.0/24"}}})), "");
  EXPECT_NE(causes_of("Node", node(json::object(), {{"capacity", {{"cpu", "lots"}}}})).find("status.capacity[cpu]: Invalid value"),
            std::string::npos);
  EXPECT_NE(causes_of("Node", node({{"configSource", {{"configMap", json::object()}}}})).find("spec.configSource: Forbidden"),
            std::string::npos);
}

TEST(Node, PodCidrIsSetOnceAndNeverChanged) {
  const auto& strategy = strategy_for(*find_kind("Node"));
  json before = node(json::object()), set = node({{"podCIDR", "10.42.1.0/24"}}), moved = node({{"podCIDR", "10.42.2.0/24"}});
  EXPECT_TRUE(strategy.validate_update(before, set).empty());
  auto causes = strategy.validate_update(set, moved);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec.podCIDR");
}

TEST(Node, ItsRowSaysReadyRolesAndCordon) {
  const auto& strategy = strategy_for(*find_kind("Node"));
  json object = node({{"unschedulable", true}},
                     {{"conditions", json::array({{{"type", "Ready"}, {"status", "True"}}})},
                      {"addresses", json::array({{{"type", "InternalIP"}, {"address", "10.0.0.5"}}})},
                      {"nodeInfo", {{"kubeletVersion", "v1.32.0-orkest"}, {"osImage", "Debian GNU/Linux 12 (bookworm)"},
                                    {"kernelVersion", "6.1.0"}, {"containerRuntimeVersion", "podman://4.3.1"}}}});
  object["metadata"]["labels"] = {{"node-role.kubernetes.io/control-plane", "true"}, {"node-role.kubernetes.io/master", "true"}};
  object["metadata"]["creationTimestamp"] = "2026-11-30T10:00:00Z";
  auto cells = strategy.table_cells(object, *parse_rfc3339("2026-11-30T10:05:00Z"));
  EXPECT_EQ(cells, json({"n1", "Ready,SchedulingDisabled", "control-plane,master", "5m", "v1.32.0-orkest", "10.0.0.5", "<none>",
                         "Debian GNU/Linux 12 (bookworm)", "6.1.0", "podman://4.3.1"}));
  object["status"]["conditions"][0]["status"] = "Unknown";
  object["spec"].erase("unschedulable");
  object["metadata"].erase("labels");
  cells = strategy.table_cells(object, *parse_rfc3339("2026-11-30T10:05:00Z"));
  EXPECT_EQ(cells[1], "NotReady");
  EXPECT_EQ(cells[2], "<none>");
}

TEST(Lease, DurationsArePositiveAndTimesAreTimes) {
  json lease = {{"apiVersion", "coordination.k8s.io/v1"}, {"kind", "Lease"},
                {"metadata", {{"name", "n1"}, {"namespace", "kube-node-lease"}}},
                {"spec", {{"holderIdentity", "n1"}, {"leaseDurationSeconds", 40}, {"renewTime", "2026-11-30T10:00:00.123456Z"}}}};
  EXPECT_EQ(causes_of("Lease", lease), "");
  lease["spec"]["leaseDurationSeconds"] = 0;
  lease["spec"]["renewTime"] = "yesterday";
  EXPECT_EQ(causes_of("Lease", lease),
            "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0\n"
            "spec.renewTime: Invalid value: \"yesterday\": must be an RFC 3339 time (2006-01-02T15:04:05.000000Z)\n");
}

TEST(PodScheduling, TheDefaultSchedulerIsNamed) {
  EXPECT_EQ(defaulted("Pod", pod_spec(json::object()))["spec"]["schedulerName"], "default-scheduler");
}

TEST(PodScheduling, TolerationsAreCheckedAsKubernetesChecksThem) {
  auto tolerating = [](json toleration) { return causes_of("Pod", pod_spec({{"tolerations", json::array({toleration})}})); };
  EXPECT_EQ(tolerating({{"key", "dedicated"}, {"operator", "Equal"}, {"value", "ci"}, {"effect", "NoSchedule"}}), "");
  EXPECT_EQ(tolerating({{"operator", "Exists"}}), "");
  EXPECT_EQ(tolerating({{"key", "node.kubernetes.io/unreachable"}, {"operator", "Exists"}, {"effect", "NoExecute"},
                        {"tolerationSeconds", 30}}),
            "");
  EXPECT_EQ(tolerating({{"value", "x"}}),
            "spec.tolerations[0].operator: Invalid value: \"\": operator must be Exists when `key` is empty, which means "
            "\"match all values and all keys\"\n");
  EXPECT_EQ(tolerating({{"key", "a"}, {"operator", "Exists"}, {"value", "x"}}),
            "spec.tolerations[0].operator: Invalid value: \"spec.tolerations[0].value\": value must be empty when "
            "`operator` is 'Exists'\n");
  EXPECT_EQ(tolerating({{"key", "a"}, {"operator", "Lt"}}),
            "spec.tolerations[0].operator: Unsupported value: \"Lt\": supported values: \"Equal\", \"Exists\"\n");
  EXPECT_EQ(tolerating({{"key", "a"}, {"tolerationSeconds", 5}, {"effect", "NoSchedule"}}),
            "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when "
            "`tolerationSeconds` is set\n");
}

TEST(PodScheduling, SelectorsAndNodeAffinityAreCheckedAndPodAffinityIsRefused) {
  EXPECT_EQ(causes_of("Pod", pod_spec({{"nodeSelector", {{"disk", "ssd"}}}})), "");
  EXPECT_NE(causes_of("Pod", pod_spec({{"nodeSelector", {{"disk", "not valid!"}}}})).find("spec.nodeSelector: Invalid value"),
            std::string::npos);
  EXPECT_NE(causes_of("Pod", pod_spec({{"nodeName", "Not_A_Node"}})).find("spec.nodeName: Invalid value"), std::string::npos);
  auto with_affinity = [](json affinity) { return causes_of("Pod", pod_spec({{"affinity", affinity}})); };
  json required = {{"nodeAffinity", {{"requiredDuringSchedulingIgnoredDuringExecution",
                                      {{"nodeSelectorTerms", json::array({{{"matchExpressions",
                                                                           json::array({{{"key", "disk"}, {"operator", "In"}, {"values", {"ssd"}}}})}}})}}}}}};
  EXPECT_EQ(with_affinity(required), "");
  required["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]["matchExpressions"][0]
          ["operator"] = "Exists";
  EXPECT_EQ(with_affinity(required),
            "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]."
            "matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'\n");
  EXPECT_EQ(with_affinity({{"nodeAffinity", {{"requiredDuringSchedulingIgnoredDuringExecution", {{"nodeSelectorTerms", json::array()}}}}}}),
            "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: "
            "must have at least one node selector term\n");
  EXPECT_NE(with_affinity({{"nodeAffinity", {{"preferredDuringSchedulingIgnoredDuringExecution",
                                              json::array({{{"weight", 0}, {"preference", json::object()}}})}}}})
                .find("weight: Invalid value: 0: must be in the range 1-100"),
            std::string::npos);
  EXPECT_NE(with_affinity({{"podAntiAffinity", {{"requiredDuringSchedulingIgnoredDuringExecution", json::array({json::object()})}}}})
                .find("spec.affinity.podAntiAffinity: Forbidden: not supported by orkest"),
            std::string::npos);
  EXPECT_NE(causes_of("Pod", pod_spec({{"topologySpreadConstraints", json::array({{{"maxSkew", 1}}})}}))
                .find("spec.topologySpreadConstraints: Forbidden"),
            std::string::npos);
}

}  // namespace
}  // namespace orkest::model
