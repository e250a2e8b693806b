// Which pods become a Service's endpoints and backends: only addresses of the pod network.
#include "control/service_endpoints.hpp"

#include <gtest/gtest.h>

namespace orkest::control {
namespace {

using nlohmann::json;

json service() {
  return json::parse(R"({"metadata": {"name": "web", "namespace": "default", "uid": "s1"},
      "spec": {"selector": {"app": "web"}, "ports": [{"protocol": "TCP", "port": 2000, "targetPort": 5000}]}})");
}

json ready_pod(const std::string& name, const std::string& ip) {
  return {{"metadata", {{"name", name}, {"namespace", "default"}, {"uid", name}, {"labels", {{"app", "web"}}}}},
          {"spec", {{"containers", json::array({{{"name", "c"}, {"image", "x"}}})}}},
          {"status",
           {{"phase", "Running"}, {"podIP", ip}, {"conditions", json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
}

std::vector<std::string> endpoint_ips(const json& endpoints) {
  std::vector<std::string> ips;
  for (const auto& subset : endpoints["subsets"])
    for (const auto& address : subset.value("addresses", json::array())) ips.push_back(address["ip"]);
  return ips;
}

TEST(PodAddressPolicy, OnlyHostsOfThePodNetworkOutsideTheServiceCidr) {
  const pod_address_policy policy("10.89.100.0/24", "10.96.0.0/16");
  EXPECT_TRUE(policy.allows("10.89.100.2"));
  EXPECT_TRUE(policy.allows("10.89.100.254"));
  for (const char* refused : {"10.89.100.0", "10.89.100.1", "10.89.100.255", "10.89.101.2", "127.0.0.1", "0.0.0.0",
                              "169.254.169.254", "10.96.0.1", "", "localhost", "::1", "224.0.0.1", "10.89.100.2 "})
    EXPECT_FALSE(policy.allows(refused)) << refused;
  EXPECT_THROW(pod_address_policy("10.89.100.0", ""), std::invalid_argument);
}

// Pods on other nodes: hosts of their nodes' blocks of the cluster's pod CIDR, never a block's
// gateway (that node itself), network or broadcast address.
TEST(PodAddressPolicy, OtherNodesPodsAreHostsOfTheirBlocksOfTheClusterPodCidr) {
  const pod_address_policy policy("10.89.100.0/24", "10.96.0.0/16", "10.42.0.0/16", 24);
  for (const char* allowed : {"10.89.100.2", "10.42.0.2", "10.42.1.2", "10.42.1.254", "10.42.255.254"})
    EXPECT_TRUE(policy.allows(allowed)) << allowed;
  for (const char* refused : {"10.89.100.1", "10.42.1.0", "10.42.1.1", "10.42.1.255", "10.42.0.1", "10.43.0.2", "10.96.0.1"})
    EXPECT_FALSE(policy.allows(refused)) << refused;
  EXPECT_THROW(pod_address_policy("", "", "10.42.0.0/16", 8), std::invalid_argument);  // blocks wider than the range
  EXPECT_THROW(pod_address_policy("", "", "10.42.0.0", 24), std::invalid_argument);
}

TEST(PodAddressPolicy, WithoutAPodNetworkOnlyTheSpecialRangesAreRefused) {
  const pod_address_policy policy("", "10.96.0.0/12");
  EXPECT_TRUE(policy.allows("192.168.5.9"));
  EXPECT_FALSE(policy.allows("10.100.0.1"));
  for (const char* refused : {"127.1.2.3", "169.254.1.1", "0.1.2.3", "255.255.255.255", "239.1.1.1"})
    EXPECT_FALSE(pod_address_policy().allows(refused)) << refused;
}

// A client once rewrote a pod's status.podIP to 127.0.0.1 and the Service forwarded to the
// host's loopback (orkest's own API answered through it).
TEST(ServiceEndpoints, APodClaimingAnAddressOutsideThePodNetworkIsNeverABackend) {
  const pod_address_policy policy("10.89.100.0/24", "10.96.0.0/16");
  const std::vector<json> pods = {ready_pod("good", "10.89.100.7"), ready_pod("loopback", "127.0.0.1"),
                                  ready_pod("metadata", "169.254.169.254"), ready_pod("cluster-ip", "10.96.0.1"),
                                  ready_pod("gateway", "10.89.100.1")};
  EXPECT_EQ(endpoint_ips(endpoints_for(service(), pods, policy)), std::vector<std::string>{"10.89.100.7"});
  // Endpoints a user wrote by hand (a Service without a selector) are held to the same rule.
  json written = {{"subsets",
                   {{{"ports", {{{"port", 5000}, {"protocol", "TCP"}}}},
                     {"addresses", {{{"ip", "10.89.100.7"}}, {{"ip", "127.0.0.1"}}, {{"ip", "169.254.169.254"}}}}}}}};
  const auto backends = backends_from_endpoints(service(), written, policy);
  ASSERT_EQ(backends.size(), 1u);
  EXPECT_EQ(backends[0].backends, (std::vector<netproxy::backend>{{"10.89.100.7", 5000}}));
}

// kube-proxy's reading of Endpoints: each Service port takes the subset port of its name.
TEST(ServiceEndpoints, BackendsComeFromTheEndpointsPortOfTheSameName) {
  const pod_address_policy policy("10.89.100.0/24", "10.96.0.0/16");
  json two_ports = service();
  two_ports["spec"]["ports"] = {{{"name", "web"}, {"port", 80}, {"targetPort", "http"}},
                                {{"name", "admin"}, {"port", 81}, {"targetPort", 9000}}};
  json endpoints = {{"subsets",
                     {{{"ports", {{{"name", "web"}, {"port", 8080}}, {{"name", "admin"}, {"port", 9000}}}},
                       {"addresses", {{{"ip", "10.89.100.9"}}}},
                       {"notReadyAddresses", {{{"ip", "10.89.100.10"}}}}},
                      {{"ports", {{{"name", "web"}, {"port", 8081}}}}, {"addresses", {{{"ip", "10.89.100.8"}}}}}}}};
  const auto backends = backends_from_endpoints(two_ports, endpoints, policy);
  ASSERT_EQ(backends.size(), 2u);
  EXPECT_EQ(backends[0].port, 80);
  EXPECT_EQ(backends[0].backends, (std::vector<netproxy::backend>{{"10.89.100.8", 8081}, {"10.89.100.9", 8080}}));
  EXPECT_EQ(backends[1].port, 81);
  EXPECT_EQ(backends[1].backends, (std::vector<netproxy::backend>{{"10.89.100.9", 9000}}));
  // No Endpoints yet: every port without backends.
  const auto none = backends_from_endpoints(two_ports, nullptr, policy);
  ASSERT_EQ(none.size(), 2u);
  EXPECT_TRUE(none[0].backends.empty() && none[1].backends.empty());
}

// externalTrafficPolicy Local: outside traffic on a node goes to that node's pods only.
TEST(ServiceEndpoints, LocalBackendsAreThePodsOnThisNode) {
  const pod_address_policy policy("10.89.100.0/24", "10.96.0.0/16");
  auto here = ready_pod("here", "10.89.100.7");
  here["spec"]["nodeName"] = "node1";
  auto there = ready_pod("there", "10.89.100.8");
  there["spec"]["nodeName"] = "node2";
  const auto endpoints = endpoints_for(service(), {here, there}, policy);
  const auto backends = backends_from_endpoints(service(), endpoints, policy, "node1");
  ASSERT_EQ(backends.size(), 1u);
  EXPECT_EQ(backends[0].backends.size(), 2u);
  EXPECT_EQ(backends[0].local_backends, (std::vector<netproxy::backend>{{"10.89.100.7", 5000}}));
  EXPECT_TRUE(backends_from_endpoints(service(), endpoints, policy)[0].local_backends.empty());  // no node: none
}

TEST(ServiceEndpoints, AnUnreadyPodIsNoBackendAndListedAsNotReady) {
  const pod_address_policy policy("10.89.100.0/24", "10.96.0.0/16");
  auto unready = ready_pod("unready", "10.89.100.8");
  unready["status"]["conditions"][0]["status"] = "False";
  const std::vector<json> pods = {ready_pod("ready", "10.89.100.7"), unready};
  auto endpoints = endpoints_for(service(), pods, policy);
  const auto backends = backends_from_endpoints(service(), endpoints, policy);
  ASSERT_EQ(backends.size(), 1u);
  ASSERT_EQ(backends[0].backends.size(), 1u);
  EXPECT_EQ(backends[0].backends[0].host, "10.89.100.7");
  EXPECT_EQ(endpoint_ips(endpoints), std::vector<std::string>{"10.89.100.7"});
  ASSERT_EQ(endpoints["subsets"][0]["notReadyAddresses"].size(), 1u) << endpoints.dump();
  EXPECT_EQ(endpoints["subsets"][0]["notReadyAddresses"][0]["ip"], "10.89.100.8");
}

TEST(ServiceEndpoints, PublishNotReadyAddressesMakesAnUnreadyPodABackend) {
  const pod_address_policy policy("10.89.100.0/24", "10.96.0.0/16");
  auto unready = ready_pod("unready", "10.89.100.8");
  unready["status"]["conditions"][0]["status"] = "False";
  auto publishing = service();
  publishing["spec"]["publishNotReadyAddresses"] = true;
  const auto endpoints = endpoints_for(publishing, {unready}, policy);
  EXPECT_EQ(endpoint_ips(endpoints), std::vector<std::string>{"10.89.100.8"});
  EXPECT_FALSE(endpoints["subsets"][0].contains("notReadyAddresses")) << endpoints.dump();
  const auto backends = backends_from_endpoints(publishing, endpoints, policy);
  ASSERT_EQ(backends.size(), 1u);
  EXPECT_EQ(backends[0].backends, (std::vector<netproxy::backend>{{"10.89.100.8", 5000}}));
}

}  // namespace
}  // namespace orkest::control
