// The pod routes controller on the deterministic scheduler with a fake routing table: routes to
// other nodes' podCIDRs follow the Node objects (added, moved, removed), routes an earlier run
// left are removed, a route removed by hand returns at the next resync, and the masquerade
// exemption follows the same nodes.

#include <map>
#include <optional>

#include "actor_test_support.hpp"
#include "actors/pod_routes_controller.hpp"

namespace orkest::testing {
namespace {

using namespace std::chrono_literals;

// A routing table in memory: what the controller installed, and every exemption it asked for.
class fake_route_table : public actors::route_table {
 public:
  std::map<std::string, std::string> routes;  // destination -> gateway
  std::vector<std::string> exempted;          // own CIDR, then destinations (the last call)
  int exemptions = 0;

  std::optional<std::vector<control::pod_route>> installed() override {
    std::vector<control::pod_route> result;
    for (const auto& [destination, gateway] : routes) result.push_back({destination, gateway, ""});
    return result;
  }
  std::optional<std::string> replace(const control::pod_route& route) override {
    routes[route.destination] = route.gateway;
    return std::nullopt;
  }
  std::optional<std::string> remove(const std::string& destination) override {
    routes.erase(destination);
    return std::nullopt;
  }
  std::optional<std::string> exempt_from_masquerade(const std::string& own,
                                                    const std::vector<std::string>& destinations) override {
    exempted = {own};
    exempted.insert(exempted.end(), destinations.begin(), destinations.end());
    ++exemptions;
    return std::nullopt;
  }
};

json node(const std::string& name, const std::string& pod_cidr, const std::string& ip) {
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata", {{"name", name}}},
          {"spec", {{"podCIDR", pod_cidr}}},
          {"status", {{"addresses", {{{"type", "InternalIP"}, {"address", ip}}}}}}};
}

class pod_routes_controller_test : public deterministic_actors {
 protected:
  std::shared_ptr<fake_route_table> table = std::make_shared<fake_route_table>();

  void SetUp() override {
    store = actors::spawn_store(system, {});
    stop_at_end(store);
  }

  void start() {
    auto controller = actors::spawn_pod_routes_controller(system, store, {"a", table, 5000ms});
    stop_at_end(controller);
    run();
  }
};

TEST_F(pod_routes_controller_test, routes_follow_the_nodes) {
  ASSERT_TRUE(create(node("a", "10.42.0.0/24", "192.168.1.11"), "").ok());
  ASSERT_TRUE(create(node("b", "10.42.1.0/24", "192.168.1.12"), "").ok());
  table->routes["10.42.9.0/24"] = "192.168.1.19";  // left by an earlier run: no node has it now
  start();
  EXPECT_EQ(table->routes, (std::map<std::string, std::string>{{"10.42.1.0/24", "192.168.1.12"}}));
  EXPECT_EQ(table->exempted, (std::vector<std::string>{"10.42.0.0/24", "10.42.1.0/24"}));

  ASSERT_TRUE(create(node("c", "10.42.2.0/24", "192.168.1.13"), "").ok());
  EXPECT_EQ(table->routes.at("10.42.2.0/24"), "192.168.1.13");
  EXPECT_EQ(table->exempted, (std::vector<std::string>{"10.42.0.0/24", "10.42.1.0/24", "10.42.2.0/24"}));

  // b moves to another address; c leaves the cluster.
  auto moved = get("Node", "b", "").object;
  moved["status"]["addresses"][0]["address"] = "192.168.1.22";
  ASSERT_TRUE(update_status(moved, "").ok());
  ASSERT_TRUE(remove("Node", "c", "").ok());
  EXPECT_EQ(table->routes, (std::map<std::string, std::string>{{"10.42.1.0/24", "192.168.1.22"}}));
  EXPECT_EQ(table->exempted, (std::vector<std::string>{"10.42.0.0/24", "10.42.1.0/24"}));
}

TEST_F(pod_routes_controller_test, a_route_removed_by_hand_returns_at_the_next_resync) {
  ASSERT_TRUE(create(node("a", "10.42.0.0/24", "192.168.1.11"), "").ok());
  ASSERT_TRUE(create(node("b", "10.42.1.0/24", "192.168.1.12"), "").ok());
  start();
  const int exemptions = table->exemptions;
  table->routes.clear();
  advance_time(5000ms);
  EXPECT_EQ(table->routes, (std::map<std::string, std::string>{{"10.42.1.0/24", "192.168.1.12"}}));
  // Nothing changed for the exemption: iptables is not run again.
  EXPECT_EQ(table->exemptions, exemptions);
}

TEST_F(pod_routes_controller_test, a_node_alone_touches_neither_routes_nor_iptables) {
  ASSERT_TRUE(create(node("a", "10.42.0.0/24", "192.168.1.11"), "").ok());
  start();
  advance_time(5000ms);
  EXPECT_TRUE(table->routes.empty());
  EXPECT_EQ(table->exemptions, 0);
}

}  // namespace
}  // namespace orkest::testing
