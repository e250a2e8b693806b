// The Service controller and its Service actors on the deterministic scheduler, over a fake
// proxy: the Endpoints the server publishes follow the pods, every listener's backends follow
// the Endpoints, a port this node cannot bind shows in the Service's status, Local keeps outside
// traffic on this node's pods, an agent routes by Endpoints it does not write, and a deleted
// Service lets its ports go.

#include "actor_test_support.hpp"
#include "actors/service_controller.hpp"
#include "control/ports_bound.hpp"
#include "fake_proxy.hpp"

namespace orkest::testing {
namespace {

using namespace std::chrono_literals;
using netproxy::backend;

json web_pod(const std::string& name, const std::string& node) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"labels", {{"app", "web"}}}}},
          {"spec",
           {{"nodeName", node},
            {"containers", {{{"name", "web"}, {"image", "busybox"}, {"ports", {{{"name", "http"}, {"containerPort", 8080}}}}}}}}}};
}

json web_service(const std::string& type = "ClusterIP") {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", {{"name", "web"}}},
          {"spec", {{"type", type}, {"selector", {{"app", "web"}}}, {"ports", {{{"port", 8000}, {"targetPort", "http"}}}}}}};
}

class service_controller_test : public deterministic_actors {
 protected:
  // Creates `object`, failing the test with the store's reason if it refuses.
  void make(const json& object) {
    auto created = create(object);
    ASSERT_TRUE(created.ok()) << created.error->message;
  }

  std::shared_ptr<fake_proxy> proxy = std::make_shared<fake_proxy>();

  void SetUp() override {
    store = actors::spawn_store(system, {});
    stop_at_end(store);
  }

  // The server's controller (it publishes Endpoints), or an agent's.
  void start(bool publishes_state = true) {
    actors::service_actor_settings settings;
    settings.cluster_ips_on_loopback = false;  // no netlink here: the wildcard listener serves
    settings.pod_addresses = control::pod_address_policy("10.89.0.0/24", "10.96.0.0/16");
    settings.node_name = "node1";
    settings.publishes_state = publishes_state;
    auto controller = actors::spawn_service_controller(system, store, proxy, settings, 5000ms);
    stop_at_end(controller);
    run();
  }

  // A pod with an address on the pod network, Ready or not.
  void run_pod(const std::string& name, const std::string& ip, bool ready, const std::string& node = "node1") {
    auto created = create(web_pod(name, node));
    ASSERT_TRUE(created.ok()) << created.error->message;
    set_ready(name, ip, ready);
  }

  void set_ready(const std::string& name, const std::string& ip, bool ready) {
    auto pod = get("Pod", name).object;
    pod["status"] = {{"phase", "Running"},
                     {"podIP", ip},
                     {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}};
    auto written = update_status(pod);
    ASSERT_TRUE(written.ok()) << written.error->message;
  }

  std::vector<backend> backends_at(uint16_t port) {
    auto listener = proxy->at("0.0.0.0", port);
    return listener ? listener->backends : std::vector<backend>{};
  }

  json ports_bound_condition() {
    for (const auto& condition : get("Service", "web").object["status"].value("conditions", json::array()))
      if (condition["type"] == control::ports_bound_type("node1")) return condition;
    return nullptr;
  }
};

TEST_F(service_controller_test, endpoints_and_backends_follow_the_ready_pods) {
  start();
  run_pod("a", "10.89.0.10", true);
  run_pod("b", "10.89.0.11", true);
  run_pod("c", "10.89.0.12", false);
  make(web_service());
  run();
  EXPECT_EQ(backends_at(8000), (std::vector<backend>{{"10.89.0.10", 8080}, {"10.89.0.11", 8080}}));
  auto endpoints = get("Endpoints", "web");
  ASSERT_TRUE(endpoints.ok());
  const auto& subset = endpoints.object["subsets"][0];
  EXPECT_EQ(subset["addresses"].size(), 2u) << endpoints.object.dump();
  EXPECT_EQ(subset["notReadyAddresses"][0]["ip"], "10.89.0.12");
  EXPECT_EQ(subset["ports"][0]["port"], 8080);

  set_ready("c", "10.89.0.12", true);
  store::delete_options now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(remove("Pod", "a", "default", now).ok());
  run();
  EXPECT_EQ(backends_at(8000), (std::vector<backend>{{"10.89.0.11", 8080}, {"10.89.0.12", 8080}}));

  const auto condition = ports_bound_condition();
  ASSERT_FALSE(condition.is_null());
  EXPECT_EQ(condition["status"], "True");
  EXPECT_EQ(condition["reason"], "Listening");
}

TEST_F(service_controller_test, a_port_in_use_is_this_nodes_condition_in_the_service_status) {
  proxy->in_use.insert({"0.0.0.0", 8000});
  start();
  make(web_service("NodePort"));
  run();
  const auto node_port = get("Service", "web").object["spec"]["ports"][0]["nodePort"].get<int>();
  EXPECT_EQ(proxy->at("0.0.0.0", 8000), nullptr);
  EXPECT_NE(proxy->at("0.0.0.0", static_cast<uint16_t>(node_port)), nullptr);  // the other port still serves
  const auto condition = ports_bound_condition();
  ASSERT_FALSE(condition.is_null());
  EXPECT_EQ(condition["status"], "False");
  EXPECT_EQ(condition["reason"], "PortInUse");
  EXPECT_EQ(condition["message"], "cannot listen on 0.0.0.0:8000: Address already in use");
}

TEST_F(service_controller_test, local_traffic_policy_keeps_outside_clients_on_this_nodes_pods) {
  start();
  run_pod("here", "10.89.0.10", true, "node1");
  run_pod("there", "10.89.0.20", true, "node2");
  auto service = web_service("NodePort");
  service["spec"]["externalTrafficPolicy"] = "Local";
  make(service);
  run();
  const auto node_port = static_cast<uint16_t>(get("Service", "web").object["spec"]["ports"][0]["nodePort"].get<int>());
  const auto listener = proxy->at("0.0.0.0", node_port);
  ASSERT_NE(listener, nullptr);
  EXPECT_EQ(listener->backends, (std::vector<backend>{{"10.89.0.10", 8080}, {"10.89.0.20", 8080}}));
  ASSERT_TRUE(listener->local.has_value());
  EXPECT_EQ(listener->local->local_backends, (std::vector<backend>{{"10.89.0.10", 8080}}));
  // The service port's wildcard listener also serves the cluster IP: that address stays cluster-wide.
  const auto service_port = proxy->at("0.0.0.0", 8000);
  ASSERT_NE(service_port, nullptr);
  ASSERT_TRUE(service_port->local.has_value());
  EXPECT_EQ(service_port->local->internal_address, get("Service", "web").object["spec"]["clusterIP"]);

  // Back to Cluster: every listener's policy ends.
  auto changed = get("Service", "web").object;
  changed["spec"]["externalTrafficPolicy"] = "Cluster";
  ASSERT_TRUE(update(changed).ok());
  EXPECT_FALSE(proxy->at("0.0.0.0", node_port)->local.has_value());
}

TEST_F(service_controller_test, an_agent_routes_by_the_endpoints_it_does_not_write) {
  start(false);
  run_pod("a", "10.89.0.10", true);
  make(web_service());
  run();
  EXPECT_FALSE(get("Endpoints", "web").ok());  // the server publishes them, not an agent
  EXPECT_TRUE(backends_at(8000).empty());
  json endpoints = {{"apiVersion", "v1"},
                    {"kind", "Endpoints"},
                    {"metadata", {{"name", "web"}}},
                    {"subsets",
                     {{{"addresses", {{{"ip", "10.89.0.10"}, {"nodeName", "node1"}}, {{"ip", "127.0.0.1"}}}},
                       {"ports", {{{"port", 8080}}}}}}}};
  make(endpoints);
  run();
  // The loopback address is no pod's: the address policy keeps it out.
  EXPECT_EQ(backends_at(8000), (std::vector<backend>{{"10.89.0.10", 8080}}));
}

TEST_F(service_controller_test, client_ip_affinity_reaches_every_listener) {
  start();
  auto service = web_service();
  service["spec"]["sessionAffinity"] = "ClientIP";
  make(service);
  run();
  ASSERT_NE(proxy->at("0.0.0.0", 8000), nullptr);
  EXPECT_EQ(proxy->at("0.0.0.0", 8000)->affinity, 10800s);  // Kubernetes' default: three hours
}

TEST_F(service_controller_test, a_changed_port_reopens_and_a_deleted_service_lets_its_ports_go) {
  start();
  make(web_service());
  run();
  ASSERT_NE(proxy->at("0.0.0.0", 8000), nullptr);
  auto changed = get("Service", "web").object;
  changed["spec"]["ports"][0]["port"] = 8001;
  ASSERT_TRUE(update(changed).ok());
  run();
  EXPECT_EQ(proxy->at("0.0.0.0", 8000), nullptr);
  EXPECT_NE(proxy->at("0.0.0.0", 8001), nullptr);
  ASSERT_TRUE(remove("Service", "web").ok());
  run();
  EXPECT_EQ(proxy->open_count(), 0u);
}

}  // namespace
}  // namespace orkest::testing
