// The cluster DNS actor on the deterministic scheduler, over a fake responder: the table follows
// Services and pods as they come, change and go, and a burst of changes is one rebuild.

#include "actor_test_support.hpp"
#include "actors/cluster_dns.hpp"

namespace orkest::testing {
namespace {

// Keeps the tables it is given.
class fake_responder : public dns::responder {
 public:
  std::vector<dns::record_table> tables;
  void set_records(dns::record_table records) override { tables.push_back(std::move(records)); }

  // The addresses the last table has for `name` (none: empty).
  std::vector<std::string> lookup(const std::string& name) const {
    if (tables.empty()) return {};
    auto found = tables.back().find(name);
    return found == tables.back().end() ? std::vector<std::string>{} : found->second;
  }
};

json pod_named(const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}}},
          {"spec", {{"containers", {{{"name", "app"}, {"image", "busybox"}}}}}}};
}

class cluster_dns_test : public deterministic_actors {
 protected:
  std::shared_ptr<fake_responder> responder = std::make_shared<fake_responder>();
  actors::cluster_dns_actor dns;

  void SetUp() override {
    store = actors::spawn_store(system, {});
    stop_at_end(store);
    dns = actors::spawn_cluster_dns(system, store, responder, "cluster.local");
    stop_at_end(dns);
    run();
  }

  void give_address(const std::string& pod, const std::string& ip) {
    auto object = get("Pod", pod).object;
    object["status"] = {{"phase", "Running"}, {"podIP", ip}};
    ASSERT_TRUE(update_status(object).ok());
  }
};

TEST_F(cluster_dns_test, services_resolve_by_every_form_of_their_name_until_deleted) {
  ASSERT_TRUE(create({{"apiVersion", "v1"},
                      {"kind", "Service"},
                      {"metadata", {{"name", "web"}}},
                      {"spec", {{"selector", {{"app", "web"}}}, {"ports", {{{"port", 8000}}}}}}})
                  .ok());
  const auto cluster_ip = get("Service", "web").object["spec"]["clusterIP"].get<std::string>();
  for (const char* name : {"web.default.svc.cluster.local", "web.default.svc", "web.default", "web"})
    EXPECT_EQ(responder->lookup(name), std::vector<std::string>{cluster_ip}) << name;
  ASSERT_TRUE(remove("Service", "web").ok());
  EXPECT_TRUE(responder->lookup("web.default.svc.cluster.local").empty());
}

TEST_F(cluster_dns_test, a_pod_resolves_once_it_has_an_address) {
  ASSERT_TRUE(create(pod_named("worker")).ok());
  EXPECT_TRUE(responder->lookup("worker").empty());
  give_address("worker", "10.89.0.7");
  EXPECT_EQ(responder->lookup("worker"), std::vector<std::string>{"10.89.0.7"});
  EXPECT_EQ(responder->lookup("worker.default.svc.cluster.local"), std::vector<std::string>{"10.89.0.7"});
  // A pod being deleted stops resolving at once, before its container has stopped.
  ASSERT_TRUE(remove("Pod", "worker").ok());
  EXPECT_TRUE(responder->lookup("worker").empty());
}

TEST_F(cluster_dns_test, a_burst_of_changes_is_one_rebuild) {
  const auto before = responder->tables.size();
  // Twenty pods' changes waiting in the actor's mailbox at once, as a ReplicaSet scaling up
  // delivers them: the table is built when the last has been read.
  for (int i = 0; i < 20; ++i) {
    auto pod = pod_named("burst-" + std::to_string(i));
    pod["metadata"]["namespace"] = "default";
    pod["metadata"]["uid"] = "uid-" + std::to_string(i);
    pod["status"]["podIP"] = "10.89.0." + std::to_string(10 + i);
    caf::anon_send(dns, change_event{change_type::added, "Pod", pod, 0});
  }
  run();
  ASSERT_EQ(responder->tables.size() - before, 1u);
  EXPECT_EQ(responder->lookup("burst-19"), std::vector<std::string>{"10.89.0.29"});
}

}  // namespace
}  // namespace orkest::testing
