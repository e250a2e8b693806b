// The namespace controller on the deterministic scheduler: the system namespaces are made (and
// made again), and a namespace being deleted loses everything in it, waits for what is still
// going (a pod its node is stopping), and then goes itself; other namespaces keep their objects.

#include "actor_test_support.hpp"
#include "actors/namespace_controller.hpp"

namespace orkest::testing {
namespace {

using namespace std::chrono_literals;

json named(const char* kind, const std::string& name) {
  json object = {{"apiVersion", "v1"}, {"kind", kind}, {"metadata", {{"name", name}}}};
  if (std::string(kind) == "Pod") object["spec"] = {{"containers", {{{"name", "app"}, {"image", "busybox"}}}}};
  if (std::string(kind) == "Service") object["spec"] = {{"ports", {{{"port", 8000}}}}};
  return object;
}

class namespace_controller_test : public deterministic_actors {
 protected:
  void SetUp() override {
    store = actors::spawn_store(system, {});
    stop_at_end(store);
    stop_at_end(actors::spawn_namespace_controller(system, store));
    run();
  }

  bool exists(const char* kind, const std::string& name, const std::string& ns) { return get(kind, name, ns).ok(); }
};

TEST_F(namespace_controller_test, the_system_namespaces_are_made_and_made_again) {
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    auto ns = get("Namespace", name, "");
    ASSERT_TRUE(ns.ok()) << name;
    EXPECT_EQ(ns.object["status"]["phase"], "Active");
  }
  ASSERT_TRUE(remove("Namespace", "kube-node-lease", "").ok());
  advance_time(100ms);
  auto again = get("Namespace", "kube-node-lease", "");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.object["status"]["phase"], "Active") << "a new one, not the terminating one";
}

TEST_F(namespace_controller_test, a_deleted_namespace_takes_its_objects_with_it) {
  ASSERT_TRUE(create(named("Namespace", "team"), "").ok());
  for (const char* kind : {"ConfigMap", "Secret", "Service", "Pod"}) ASSERT_TRUE(create(named(kind, "app"), "team").ok()) << kind;
  ASSERT_TRUE(create(named("ConfigMap", "app"), "default").ok());
  ASSERT_TRUE(remove("Namespace", "team", "").ok());
  advance_time(100ms);
  for (const char* kind : {"ConfigMap", "Secret", "Service", "Pod"}) EXPECT_FALSE(exists(kind, "app", "team")) << kind;
  EXPECT_FALSE(exists("Namespace", "team", "")) << "emptied, then finalized";
  EXPECT_TRUE(exists("ConfigMap", "app", "default")) << "another namespace's object";
}

TEST_F(namespace_controller_test, a_namespace_waits_for_a_pod_its_node_is_still_stopping) {
  ASSERT_TRUE(create(named("Namespace", "team"), "").ok());
  auto pod = named("Pod", "web");
  pod["spec"]["nodeName"] = "node1";  // a node runs it: its deletion is graceful
  ASSERT_TRUE(create(pod, "team").ok());
  ASSERT_TRUE(remove("Namespace", "team", "").ok());
  advance_time(1s);
  auto web = get("Pod", "web", "team");
  ASSERT_TRUE(web.ok());
  EXPECT_TRUE(web.object["metadata"].contains("deletionTimestamp")) << "being stopped by its node";
  auto team = get("Namespace", "team", "");
  ASSERT_TRUE(team.ok());
  EXPECT_EQ(team.object["status"]["phase"], "Terminating");
  // What holds it, as `kubectl describe ns` shows it.
  const auto& condition = team.object["status"]["conditions"][0];
  EXPECT_EQ(condition["type"], "NamespaceContentRemaining");
  EXPECT_EQ(condition["status"], "True");
  EXPECT_EQ(condition["reason"], "SomeResourcesRemain");
  EXPECT_EQ(condition["message"], "Some resources are remaining: pods. has 1 resource instances");
  // The node has stopped it: the namespace goes at the controller's next look.
  store::delete_options now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(remove("Pod", "web", "team", now).ok());
  advance_time(5s);
  EXPECT_FALSE(exists("Namespace", "team", ""));
}

}  // namespace
}  // namespace orkest::testing
