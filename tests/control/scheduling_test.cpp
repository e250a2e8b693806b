// control::schedule and its parts: which nodes a pod may go to (cordon, taints and
// tolerations, nodeSelector and node affinity, host ports, requests against allocatable), the
// reasons in Kubernetes' words when none, and which feasible node it goes to.

#include <gtest/gtest.h>

#include "control/scheduling.hpp"

namespace orkest::control {
namespace {

using nlohmann::json;

json node(const std::string& name, const std::string& cpu = "2", const std::string& memory = "4Gi", int pods = 110) {
  return {{"metadata", {{"name", name}, {"labels", {{"kubernetes.io/hostname", name}}}}},
          {"spec", json::object()},
          {"status", {{"allocatable", {{"cpu", cpu}, {"memory", memory}, {"pods", std::to_string(pods)}}}}}};
}

json pod(const std::string& name, const std::string& cpu = "", const std::string& memory = "") {
  json container = {{"name", "c"}, {"image", "i"}};
  if (!cpu.empty()) container["resources"]["requests"]["cpu"] = cpu;
  if (!memory.empty()) container["resources"]["requests"]["memory"] = memory;
  return {{"metadata", {{"name", name}, {"namespace", "default"}, {"uid", "uid-" + name}}},
          {"spec", {{"containers", json::array({container})}}},
          {"status", {{"phase", "Pending"}}}};
}

json on(json p, const std::string& node_name) {
  p["spec"]["nodeName"] = node_name;
  p["status"]["phase"] = "Running";
  return p;
}

json owned_by(json p, const std::string& owner_uid) {
  p["metadata"]["ownerReferences"] = json::array({{{"uid", owner_uid}, {"controller", true}, {"kind", "ReplicaSet"}}});
  return p;
}

std::vector<const json*> pointers(const std::vector<json>& objects) {
  std::vector<const json*> result;
  for (const auto& object : objects) result.push_back(&object);
  return result;
}

scheduling_decision place(const json& p, const std::vector<json>& nodes, const std::vector<json>& pods = {}) {
  return schedule(p, pointers(nodes), pointers(pods));
}

TEST(scheduling, requests_sum_the_containers_and_take_the_largest_init_container) {
  json p = pod("a", "250m", "64Mi");
  p["spec"]["containers"].push_back({{"name", "d"}, {"resources", {{"requests", {{"cpu", "0.25"}}}}}});
  p["spec"]["initContainers"] = json::array({{{"name", "init"}, {"resources", {{"requests", {{"cpu", "1"}, {"memory", "1Mi"}}}}}}});
  auto requests = pod_requests(p);
  EXPECT_EQ(requests.cpu_millis, 1000);                 // the init container's 1 > 250m + 250m
  EXPECT_EQ(requests.memory_bytes, 64 * 1024 * 1024);  // the containers' 64Mi > 1Mi
  EXPECT_EQ(requests.pods, 1);
}

TEST(scheduling, allocatable_falls_back_to_capacity) {
  json n = {{"status", {{"capacity", {{"cpu", "4"}, {"memory", "1Gi"}, {"pods", "10"}}}}}};
  auto amounts = node_allocatable(n);
  EXPECT_EQ(amounts.cpu_millis, 4000);
  EXPECT_EQ(amounts.memory_bytes, 1024 * 1024 * 1024);
  EXPECT_EQ(amounts.pods, 10);
}

TEST(scheduling, tolerations_match_as_kubernetes_matches_them) {
  json taint = {{"key", "dedicated"}, {"value", "gpu"}, {"effect", "NoSchedule"}};
  EXPECT_TRUE(tolerates(json::array({{{"key", "dedicated"}, {"operator", "Equal"}, {"value", "gpu"}}}), taint));
  EXPECT_TRUE(tolerates(json::array({{{"key", "dedicated"}, {"operator", "Exists"}, {"effect", "NoSchedule"}}}), taint));
  EXPECT_TRUE(tolerates(json::array({{{"operator", "Exists"}}}), taint));  // tolerates everything
  EXPECT_FALSE(tolerates(json::array({{{"key", "dedicated"}, {"value", "cpu"}}}), taint));
  EXPECT_FALSE(tolerates(json::array({{{"key", "dedicated"}, {"operator", "Exists"}, {"effect", "NoExecute"}}}), taint));
  EXPECT_FALSE(tolerates(json::array(), taint));
  EXPECT_FALSE(tolerates(nullptr, taint));
}

TEST(scheduling, node_selector_and_required_affinity_both_must_match) {
  json n = node("a");
  n["metadata"]["labels"]["disk"] = "ssd";
  n["metadata"]["labels"]["cores"] = "8";
  json p = pod("p");
  EXPECT_TRUE(matches_node_selection(p, n));
  p["spec"]["nodeSelector"] = {{"disk", "ssd"}};
  EXPECT_TRUE(matches_node_selection(p, n));
  p["spec"]["nodeSelector"] = {{"disk", "hdd"}};
  EXPECT_FALSE(matches_node_selection(p, n));
  p["spec"].erase("nodeSelector");

  auto with_terms = [&](json terms) {
    json q = p;
    q["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"] = terms;
    return matches_node_selection(q, n);
  };
  EXPECT_TRUE(with_terms(json::array({{{"matchExpressions", json::array({{{"key", "disk"}, {"operator", "In"}, {"values", {"ssd", "nvme"}}}})}}})));
  EXPECT_FALSE(with_terms(json::array({{{"matchExpressions", json::array({{{"key", "disk"}, {"operator", "NotIn"}, {"values", {"ssd"}}}})}}})));
  EXPECT_TRUE(with_terms(json::array({{{"matchExpressions", json::array({{{"key", "gpu"}, {"operator", "DoesNotExist"}}})}}})));
  EXPECT_TRUE(with_terms(json::array({{{"matchExpressions", json::array({{{"key", "cores"}, {"operator", "Gt"}, {"values", {"4"}}}})}}})));
  EXPECT_FALSE(with_terms(json::array({{{"matchExpressions", json::array({{{"key", "cores"}, {"operator", "Lt"}, {"values", {"4"}}}})}}})));
  EXPECT_TRUE(with_terms(json::array({{{"matchFields", json::array({{{"key", "metadata.name"}, {"operator", "In"}, {"values", {"a"}}}})}}})));
  // Terms are ORed; an empty term matches nothing.
  EXPECT_TRUE(with_terms(json::array({json::object(), {{"matchExpressions", json::array({{{"key", "disk"}, {"operator", "Exists"}}})}}})));
  EXPECT_FALSE(with_terms(json::array({json::object()})));
}

TEST(scheduling, no_nodes_at_all) {
  auto decision = place(pod("p"), {});
  EXPECT_EQ(decision.node, "");
  EXPECT_EQ(decision.message, "no nodes available to schedule pods");
}

TEST(scheduling, reasons_per_node_counted_and_sorted_as_kubernetes_words_them) {
  json cordoned = node("a");
  cordoned["spec"]["unschedulable"] = true;
  json tainted = node("b");
  tainted["spec"]["taints"] = json::array({{{"key", "node.kubernetes.io/unreachable"}, {"effect", "NoExecute"}}});
  json small = node("c", "500m", "1Gi");
  json full = node("d", "2", "4Gi", 1);
  json labelled = node("e");
  std::vector<json> nodes = {cordoned, tainted, small, full, labelled};
  std::vector<json> pods = {on(pod("x"), "d")};
  json p = pod("p", "1", "2Gi");
  p["spec"]["nodeSelector"] = {{"kubernetes.io/hostname", "a"}};
  auto decision = place(p, nodes, pods);
  EXPECT_EQ(decision.node, "");
  // a: cordoned (checked first); b: taint; c, d, e: not the selected hostname.
  EXPECT_EQ(decision.message,
            "0/5 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, "
            "1 node(s) were unschedulable, 3 node(s) didn't match Pod's node affinity/selector.");

  p["spec"].erase("nodeSelector");
  decision = place(p, {small, full}, pods);
  EXPECT_EQ(decision.message, "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods.");
}

TEST(scheduling, a_pod_tolerating_the_cordon_or_the_taint_may_go_there) {
  json cordoned = node("a");
  cordoned["spec"]["unschedulable"] = true;
  cordoned["spec"]["taints"] = json::array({{{"key", "dedicated"}, {"value", "ci"}, {"effect", "NoSchedule"}}});
  json p = pod("p");
  p["spec"]["tolerations"] = json::array({{{"key", "node.kubernetes.io/unschedulable"}, {"operator", "Exists"}},
                                          {{"key", "dedicated"}, {"value", "ci"}}});
  EXPECT_EQ(place(p, {cordoned}).node, "a");
  // PreferNoSchedule only lowers the score.
  json preferred = node("b");
  preferred["spec"]["taints"] = json::array({{{"key", "slow"}, {"effect", "PreferNoSchedule"}}});
  EXPECT_EQ(place(pod("q"), {preferred}).node, "b");
  EXPECT_EQ(place(pod("q"), {preferred, node("c")}).node, "c");
}

TEST(scheduling, requests_count_against_what_the_nodes_pods_already_request) {
  std::vector<json> nodes = {node("a", "1", "1Gi")};
  std::vector<json> pods = {on(pod("x", "600m"), "a")};
  EXPECT_EQ(place(pod("p", "400m"), nodes, pods).node, "a");
  EXPECT_EQ(place(pod("p", "500m"), nodes, pods).message, "0/1 nodes are available: 1 Insufficient cpu.");
  // Finished pods and pods of other nodes hold nothing here.
  json finished = on(pod("y", "1"), "a");
  finished["status"]["phase"] = "Succeeded";
  EXPECT_EQ(place(pod("p", "400m"), nodes, {pods[0], finished, on(pod("z", "1"), "b")}).node, "a");
}

TEST(scheduling, a_pass_counts_the_pods_it_placed_before_the_next) {
  std::vector<json> nodes = {node("a", "1", "1Gi"), node("b", "1", "1Gi")};
  cluster_snapshot snapshot(pointers(nodes), {});
  auto first = snapshot.schedule(pod("p1", "600m"));
  snapshot.place(pod("p1", "600m"), first.node);
  auto second = snapshot.schedule(pod("p2", "600m"));
  EXPECT_NE(second.node, "");
  EXPECT_NE(second.node, first.node);
  snapshot.place(pod("p2", "600m"), second.node);
  EXPECT_EQ(snapshot.schedule(pod("p3", "600m")).message, "0/2 nodes are available: 2 Insufficient cpu.");
}

TEST(scheduling, host_ports_must_be_free_on_the_node) {
  auto with_port = [](json p, int port, const std::string& ip = "") {
    json entry = {{"containerPort", 80}, {"hostPort", port}, {"protocol", "TCP"}};
    if (!ip.empty()) entry["hostIP"] = ip;
    p["spec"]["containers"][0]["ports"] = json::array({entry});
    return p;
  };
  std::vector<json> nodes = {node("a"), node("b")};
  std::vector<json> pods = {on(with_port(pod("x"), 8080), "a")};
  EXPECT_EQ(place(with_port(pod("p"), 8080), nodes, pods).node, "b");
  EXPECT_EQ(place(with_port(pod("p"), 8080), {node("a")}, pods).message,
            "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.");
  EXPECT_EQ(place(with_port(pod("p"), 8081), {node("a")}, pods).node, "a");
  // Two specific addresses do not clash.
  std::vector<json> specific = {on(with_port(pod("x"), 8080, "10.0.0.1"), "a")};
  EXPECT_EQ(place(with_port(pod("p"), 8080, "10.0.0.2"), {node("a")}, specific).node, "a");
}

TEST(scheduling, the_least_allocated_node_wins_and_an_owners_pods_spread) {
  std::vector<json> nodes = {node("a"), node("b")};
  // a is busier: the pod goes to b.
  EXPECT_EQ(place(pod("p", "100m"), nodes, {on(pod("x", "1", "2Gi"), "a")}).node, "b");
  // Equal nodes: ties go to the first name; a second replica of the same owner goes to the other.
  EXPECT_EQ(place(owned_by(pod("p1"), "rs"), nodes).node, "a");
  EXPECT_EQ(place(owned_by(pod("p2"), "rs"), nodes, {on(owned_by(pod("p1"), "rs"), "a")}).node, "b");
  std::vector<json> three = {on(owned_by(pod("p1"), "rs"), "a"), on(owned_by(pod("p2"), "rs"), "b")};
  EXPECT_EQ(place(owned_by(pod("p3"), "rs"), nodes, three).node, "a");
}

TEST(scheduling, preferred_node_affinity_weighs_in) {
  json ssd = node("z");
  ssd["metadata"]["labels"]["disk"] = "ssd";
  json p = pod("p");
  p["spec"]["affinity"]["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] = json::array(
      {{{"weight", 50}, {"preference", {{"matchExpressions", json::array({{{"key", "disk"}, {"operator", "In"}, {"values", {"ssd"}}}})}}}}});
  EXPECT_EQ(place(p, {node("a"), ssd}).node, "z");
  EXPECT_EQ(place(pod("q"), {node("a"), ssd}).node, "a");
}

}  // namespace
}  // namespace orkest::control
