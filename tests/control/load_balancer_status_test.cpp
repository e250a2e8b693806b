// load_balancer_status: a LoadBalancer Service's ingress is the Ready nodes' InternalIPs (with
// externalTrafficPolicy Local, those with ready pods), as
// k3s' ServiceLB reports it.

#include <gtest/gtest.h>

#include "control/load_balancer_status.hpp"

namespace orkest::control {
namespace {

using nlohmann::json;

json node(const std::string& ip, const std::string& ready) {
  return {{"metadata", {{"name", "n-" + ip}}},
          {"status",
           {{"addresses", {{{"type", "Hostname"}, {"address", "host"}}, {{"type", "InternalIP"}, {"address", ip}}}},
            {"conditions", {{{"type", "Ready"}, {"status", ready}}}}}}};
}

json service(const std::string& type) { return {{"spec", {{"type", type}}}}; }

TEST(LoadBalancerStatus, TheReadyNodesAddressesInOrder) {
  auto status = load_balancer_status(service("LoadBalancer"), {node("10.250.0.13", "True"), node("10.250.0.9", "True"),
                                                               node("10.250.0.12", "Unknown"), node("bogus", "True")});
  EXPECT_EQ(status, (json{{"ingress", {{{"ip", "10.250.0.9"}, {"ipMode", "VIP"}}, {{"ip", "10.250.0.13"}, {"ipMode", "VIP"}}}}}));
}

TEST(LoadBalancerStatus, NoIngressWithoutReadyNodesOrForOtherTypes) {
  EXPECT_EQ(load_balancer_status(service("LoadBalancer"), {node("10.250.0.12", "False")}), json::object());
  EXPECT_EQ(load_balancer_status(service("NodePort"), {node("10.250.0.12", "True")}), json::object());
  EXPECT_EQ(load_balancer_status(service("ClusterIP"), {node("10.250.0.12", "True")}), json::object());
}

TEST(LoadBalancerStatus, LocalTrafficListsOnlyNodesWithReadyPods) {
  json local = service("LoadBalancer");
  local["spec"]["externalTrafficPolicy"] = "Local";
  const std::vector<json> nodes{node("10.250.0.11", "True"), node("10.250.0.12", "True"), node("10.250.0.13", "False")};
  json endpoints = {{"subsets",
                     {{{"addresses", {{{"ip", "10.42.1.5"}, {"nodeName", "n-10.250.0.12"}},
                                      {{"ip", "10.42.3.5"}, {"nodeName", "n-10.250.0.13"}}}},
                       {"notReadyAddresses", {{{"ip", "10.42.0.5"}, {"nodeName", "n-10.250.0.11"}}}}}}}};
  // node .11 has a pod that is not ready, .13 one but the node is not Ready.
  EXPECT_EQ(load_balancer_status(local, nodes, endpoints),
            json({{"ingress", {{{"ip", "10.250.0.12"}, {"ipMode", "VIP"}}}}}));
  EXPECT_EQ(load_balancer_status(local, nodes, nullptr), json::object());
  // Cluster: every Ready node, pods or not.
  EXPECT_EQ(load_balancer_status(service("LoadBalancer"), nodes, endpoints)["ingress"].size(), 2u);
}

}  // namespace
}  // namespace orkest::control
