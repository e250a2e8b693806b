// wanted_pod_routes and plan_route_changes: the host-gw routes a node keeps to the other
// nodes' podCIDRs, from Node objects as hostile as any API input.

#include <gtest/gtest.h>

#include "control/ipv4_cidr.hpp"
#include "control/pod_routes.hpp"

namespace orkest::control {
namespace {

using nlohmann::json;

json node(const std::string& name, const std::string& pod_cidr, const std::string& internal_ip) {
  json object{{"metadata", {{"name", name}}}, {"spec", json::object()}, {"status", json::object()}};
  if (!pod_cidr.empty()) object["spec"]["podCIDR"] = pod_cidr;
  if (!internal_ip.empty())
    object["status"]["addresses"] = json::array({{{"type", "Hostname"}, {"address", name}},
                                                 {{"type", "InternalIP"}, {"address", internal_ip}}});
  return object;
}

TEST(PodRoutes, EveryOtherNodesPodCidrViaItsInternalIp) {
  auto routes = wanted_pod_routes("b", {node("c", "10.42.2.0/24", "192.168.1.13"), node("a", "10.42.0.0/24", "192.168.1.11"),
                                        node("b", "10.42.1.0/24", "192.168.1.12")});
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].destination, "10.42.0.0/24");
  EXPECT_EQ(routes[0].gateway, "192.168.1.11");
  EXPECT_EQ(routes[0].node, "a");
  EXPECT_EQ(routes[1].destination, "10.42.2.0/24");
  EXPECT_EQ(routes[1].gateway, "192.168.1.13");
}

TEST(PodRoutes, NodesWithoutAUsableCidrOrAddressGetNoRoute) {
  auto routes = wanted_pod_routes("a", {node("a", "10.42.0.0/24", "192.168.1.11"),
                                        node("no-cidr", "", "192.168.1.12"),
                                        node("no-address", "10.42.2.0/24", ""),
                                        node("bad-cidr", "10.42.3.0/33", "192.168.1.14"),
                                        node("text-cidr", "10.42.4.0/24; reboot", "192.168.1.15"),
                                        node("bad-address", "10.42.5.0/24", "192.168.1.999"),
                                        node("same-address", "10.42.6.0/24", "192.168.1.11"),
                                        node("inside-own-block", "10.42.7.0/24", "10.42.7.1")});
  EXPECT_TRUE(routes.empty()) << routes.front().node;
}

TEST(PodRoutes, OverlappingBlocksAreRoutedOnceAndNeverOverOwnPods) {
  auto routes = wanted_pod_routes("a", {node("a", "10.42.0.0/24", "192.168.1.11"),
                                        node("b", "10.42.0.128/25", "192.168.1.12"),  // inside a's own
                                        node("c", "10.42.1.0/24", "192.168.1.13"),
                                        node("d", "10.42.1.0/24", "192.168.1.14")});  // c's, contested
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0].node, "c");
}

TEST(PodRoutes, DestinationsAreCanonical) {
  auto routes = wanted_pod_routes("a", {node("b", "10.42.1.7/24", "192.168.1.12")});
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0].destination, "10.42.1.0/24");
}

TEST(PodRoutes, ChangesAddNewAndMovedRoutesAndRemoveUnwantedOnes) {
  std::vector<pod_route> installed{{"10.42.1.0/24", "192.168.1.12", ""},
                                   {"10.42.2.0/24", "192.168.1.13", ""},
                                   {"10.42.3.0/24", "192.168.1.14", ""}};
  std::vector<pod_route> wanted{{"10.42.1.0/24", "192.168.1.12", "b"},
                                {"10.42.2.0/24", "192.168.1.23", "c"},  // c moved
                                {"10.42.4.0/24", "192.168.1.15", "e"}};
  auto changes = plan_route_changes(installed, wanted);
  ASSERT_EQ(changes.replace.size(), 2u);
  EXPECT_EQ(changes.replace[0].gateway, "192.168.1.23");
  EXPECT_EQ(changes.replace[1].destination, "10.42.4.0/24");
  EXPECT_EQ(changes.remove, std::vector<std::string>{"10.42.3.0/24"});
  EXPECT_TRUE(plan_route_changes(wanted, wanted).empty());
}

TEST(Ipv4Cidr, ParsesOnlyAddressSlashPrefix) {
  auto cidr = parse_ipv4_cidr("10.42.1.9/24");
  ASSERT_TRUE(cidr);
  EXPECT_EQ(cidr->text(), "10.42.1.0/24");
  EXPECT_TRUE(cidr->overlaps(*parse_ipv4_cidr("10.42.0.0/16")));
  EXPECT_FALSE(cidr->overlaps(*parse_ipv4_cidr("10.42.2.0/24")));
  EXPECT_EQ(parse_ipv4_cidr("0.0.0.0/0")->text(), "0.0.0.0/0");
  for (const char* bad : {"10.42.1.0", "10.42.1.0/", "10.42.1.0/33", "10.42.1.0/-1", "10.42.1.0/2 4", "x/24", "10.42.1.0/124"})
    EXPECT_FALSE(parse_ipv4_cidr(bad)) << bad;
}

}  // namespace
}  // namespace orkest::control
