// The load balancer controller on the deterministic scheduler: a LoadBalancer Service's ingress
// is the Ready nodes' addresses, and the PortsBound condition of a node that is gone leaves the
// Service's status, also when the node was deleted while the server was down.

#include "actor_test_support.hpp"
#include "actors/load_balancer_controller.hpp"
#include "model/timestamp.hpp"

namespace orkest::testing {
namespace {

using namespace std::chrono_literals;

json ready_node(const std::string& name, const std::string& ip) {
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata", {{"name", name}}},
          {"status",
           {{"addresses", {{{"type", "InternalIP"}, {"address", ip}}}},
            {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
}

json condition(const std::string& node, const std::string& when) {
  return {{"type", node + "/PortsBound"}, {"status", "True"}, {"reason", "Listening"}, {"lastTransitionTime", when}};
}

class load_balancer_controller_test : public deterministic_actors {
 protected:
  std::chrono::system_clock::time_point start = *model::parse_rfc3339("2026-11-30T10:00:00Z");
  actors::wall_clock clock = [this, base = sched.clock().now()] {
    return start + std::chrono::duration_cast<std::chrono::system_clock::duration>(sched.clock().now() - base);
  };

  void SetUp() override {
    store = actors::spawn_store(system, {});
    stop_at_end(store);
  }

  void start_controller() {
    stop_at_end(actors::spawn_load_balancer_controller(system, store, clock));
    run();
  }

  // A LoadBalancer Service whose status holds these nodes' conditions, as nodes wrote them.
  void make_service(const json& conditions) {
    json service = {{"apiVersion", "v1"},
                    {"kind", "Service"},
                    {"metadata", {{"name", "web"}}},
                    {"spec", {{"type", "LoadBalancer"}, {"selector", {{"app", "web"}}}, {"ports", {{{"port", 8000}}}}}}};
    auto created = create(service);
    ASSERT_TRUE(created.ok()) << created.error->message;
    auto object = created.object;
    object["status"]["conditions"] = conditions;
    ASSERT_TRUE(update_status(object).ok());
  }

  std::vector<std::string> condition_types() {
    std::vector<std::string> types;
    for (const auto& c : get("Service", "web").object["status"].value("conditions", json::array()))
      types.push_back(c["type"]);
    return types;
  }
};

TEST_F(load_balancer_controller_test, ingress_lists_the_ready_nodes) {
  ASSERT_TRUE(create(ready_node("node1", "192.168.5.11"), "").ok());
  make_service(json::array());
  start_controller();
  EXPECT_EQ(get("Service", "web").object["status"]["loadBalancer"]["ingress"], json({{{"ip", "192.168.5.11"}, {"ipMode", "VIP"}}}));
}

// node3 was deleted while the server was down: its old condition goes when the server starts;
// node4 wrote its condition a moment ago and is not registered yet: it stays for the grace.
TEST_F(load_balancer_controller_test, a_condition_of_a_node_that_is_gone_leaves_the_status) {
  ASSERT_TRUE(create(ready_node("node1", "192.168.5.11"), "").ok());
  make_service({condition("node1", "2026-11-30T09:00:00Z"), condition("node3", "2026-11-30T09:00:00Z"),
                condition("node4", "2026-11-30T09:59:50Z")});
  start_controller();
  EXPECT_EQ(condition_types(), (std::vector<std::string>{"node1/PortsBound", "node4/PortsBound"}));
  // node4 never registered: past the grace, the next look at the Service takes it out.
  advance_time(2min);
  auto touched = get("Service", "web").object;
  touched["metadata"]["labels"] = {{"touched", "yes"}};
  ASSERT_TRUE(update(touched).ok());
  EXPECT_EQ(condition_types(), (std::vector<std::string>{"node1/PortsBound"}));
  // A node seen deleted: its condition goes at once.
  ASSERT_TRUE(remove("Node", "node1", "").ok());
  EXPECT_TRUE(condition_types().empty());
}

}  // namespace
}  // namespace orkest::testing
