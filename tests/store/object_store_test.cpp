// The store's rules, driven directly (no actor): identity fields, versions, conflicts,
// graceful pod deletion, selectors, history for watchers.

#include <gtest/gtest.h>

#include "store/object_store.hpp"

using namespace orkest::store;
using nlohmann::json;

namespace {

object_store_hooks fixed_hooks() {
  auto counter = std::make_shared<int>(0);
  auto suffix = std::make_shared<int>(0);
  return {[] { return std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000)); },
          [counter] { return "uid-" + std::to_string(++*counter); },
          [suffix] { return "abc" + std::to_string(10 + (*suffix)++); }};
}

json pod(const std::string& name, json labels = json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"spec", {{"containers", {{{"name", "app"}, {"image", "busybox"}}}}}}};
}

json replicaset(const std::string& name, int replicas) {
  return json::parse(R"({"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":")" + name +
                     R"("},"spec":{"replicas":)" + std::to_string(replicas) +
                     R"(,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},)"
                     R"("spec":{"containers":[{"name":"c","image":"busybox"}]}}}})");
}

class object_store_test : public ::testing::Test {
 protected:
  object_store store{object_store_settings{}, fixed_hooks()};
};

TEST_F(object_store_test, create_assigns_identity_and_versions) {
  auto created = store.create("Pod", "default", pod("web"));
  ASSERT_TRUE(created.ok()) << created.error->message;
  const auto& meta = created.object["metadata"];
  EXPECT_EQ(meta["uid"], "uid-1");
  EXPECT_EQ(meta["resourceVersion"], "1");
  EXPECT_EQ(meta["namespace"], "default");
  EXPECT_EQ(meta["generation"], 1);
  EXPECT_EQ(meta["creationTimestamp"], "2027-01-15T08:00:00Z");
  EXPECT_EQ(created.object["status"]["phase"], "Pending");
  EXPECT_FALSE(created.object["spec"].contains("nodeName"));  // the scheduler binds it

  auto second = store.create("Pod", "default", pod("db"));
  EXPECT_EQ(second.object["metadata"]["resourceVersion"], "2");
}

TEST_F(object_store_test, create_twice_is_already_exists) {
  ASSERT_TRUE(store.create("Pod", "default", pod("web")).ok());
  auto again = store.create("Pod", "default", pod("web"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error->code, 409);
  EXPECT_EQ(again.error->reason, "AlreadyExists");
  // The same name in another namespace is another object.
  EXPECT_TRUE(store.create("Pod", "other", pod("web")).ok());
}

// A kind orkest does not serve is a caller's bug: an answer, not an exception that would end the
// store actor.
TEST_F(object_store_test, an_unknown_kind_is_not_found_for_every_operation) {
  const object_key key{"Gadget", "default", "g"};
  std::vector<store_result> answers = {store.create("Gadget", "default", pod("g")),
                                       store.get(key),
                                       store.list({"Gadget", "default", "", ""}),
                                       store.update(key, pod("g")),
                                       store.update_status(key, pod("g")),
                                       store.patch(key, {patch_type::merge, json::object(), false}),
                                       store.bind(key, json::object()),
                                       store.remove(key, {})};
  for (const auto& answer : answers) {
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error->code, 404);
    EXPECT_EQ(answer.error->reason, "NotFound");
  }
}

json namespace_named(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
}

// A namespace's DELETE marks it Terminating; it goes once its finalizers are gone (the namespace
// controller empties them after deleting what the namespace held).
TEST_F(object_store_test, a_namespace_is_terminating_until_its_finalizers_are_gone) {
  const object_key key{"Namespace", "", "team"};
  ASSERT_TRUE(store.create("Namespace", "", namespace_named("team")).ok());
  ASSERT_TRUE(store.remove(key, {}).ok());
  auto marked = store.get(key);
  ASSERT_TRUE(marked.ok());
  EXPECT_EQ(marked.object["status"]["phase"], "Terminating");
  EXPECT_TRUE(marked.object["metadata"].contains("deletionTimestamp"));
  // Deleting again, even with no grace, does not skip the finalizers.
  delete_options now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(store.remove(key, now).ok());
  EXPECT_EQ(store.get(key).object["metadata"]["resourceVersion"], marked.object["metadata"]["resourceVersion"]);
  json finalized = marked.object;
  finalized["spec"]["finalizers"] = json::array();
  auto last = store.update(key, finalized);
  ASSERT_TRUE(last.ok()) << last.error->message;
  EXPECT_EQ(last.object["metadata"]["name"], "team");
  EXPECT_FALSE(store.get(key).ok()) << "gone with its last finalizer";
  // A namespace created without finalizers goes at once.
  auto bare = namespace_named("bare");
  bare["spec"]["finalizers"] = json::array();
  ASSERT_TRUE(store.create("Namespace", "", bare).ok());
  ASSERT_TRUE(store.remove({"Namespace", "", "bare"}, {}).ok());
  EXPECT_FALSE(store.get({"Namespace", "", "bare"}).ok());
}

TEST_F(object_store_test, the_default_namespace_may_not_be_deleted) {
  ASSERT_TRUE(store.create("Namespace", "", namespace_named("default")).ok());
  auto refused = store.remove({"Namespace", "", "default"}, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->code, 403);
  EXPECT_EQ(refused.error->message, "namespaces \"default\" is forbidden: this namespace may not be deleted");
  EXPECT_TRUE(store.get({"Namespace", "", "default"}).ok());
}

TEST_F(object_store_test, generate_name_appends_a_suffix) {
  json body = pod("");
  body["metadata"].erase("name");
  body["metadata"]["generateName"] = "web-";
  auto created = store.create("Pod", "default", body);
  ASSERT_TRUE(created.ok()) << created.error->message;
  EXPECT_EQ(created.object["metadata"]["name"], "web-abc10");
}

TEST_F(object_store_test, body_kind_and_namespace_must_match_the_url) {
  json wrong_kind = pod("web");
  wrong_kind["kind"] = "Service";
  EXPECT_EQ(store.create("Pod", "default", wrong_kind).error->code, 400);
  json wrong_namespace = pod("web");
  wrong_namespace["metadata"]["namespace"] = "elsewhere";
  auto result = store.create("Pod", "default", wrong_namespace);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->code, 400);
  EXPECT_NE(result.error->message.find("namespace"), std::string::npos);
  EXPECT_TRUE(store.objects("Pod", "").empty());
}

TEST_F(object_store_test, invalid_objects_are_rejected_with_causes) {
  json body = pod("web");
  body["spec"]["containers"][0].erase("image");
  auto result = store.create("Pod", "default", body);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->code, 422);
  ASSERT_FALSE(result.error->causes.empty());
  EXPECT_EQ(result.error->causes[0].field, "spec.containers[0].image");
  EXPECT_EQ(store.resource_version(), 0u);
}

TEST_F(object_store_test, stale_resource_version_is_a_conflict) {
  auto created = store.create("ReplicaSet", "default", replicaset("rs", 1));
  json first = created.object, second = created.object;
  first["spec"]["replicas"] = 2;
  second["spec"]["replicas"] = 3;
  auto updated = store.update({"ReplicaSet", "default", "rs"}, first);
  ASSERT_TRUE(updated.ok()) << updated.error->message;
  EXPECT_EQ(updated.object["metadata"]["generation"], 2);
  auto stale = store.update({"ReplicaSet", "default", "rs"}, second);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error->code, 409);
  EXPECT_EQ(stale.error->reason, "Conflict");
  EXPECT_EQ(store.get({"ReplicaSet", "default", "rs"}).object["spec"]["replicas"], 2);
}

TEST_F(object_store_test, update_keeps_status_and_status_write_keeps_spec) {
  store.create("ReplicaSet", "default", replicaset("rs", 1));
  auto status = store.update_status({"ReplicaSet", "default", "rs"}, {{"status", {{"replicas", 1}}}, {"spec", {{"replicas", 9}}}});
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status.object["status"]["replicas"], 1);
  EXPECT_EQ(status.object["spec"]["replicas"], 1);
  EXPECT_EQ(status.object["metadata"]["generation"], 1);

  json body = replicaset("rs", 4);
  body["status"] = {{"replicas", 100}};
  auto updated = store.update({"ReplicaSet", "default", "rs"}, body);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated.object["status"]["replicas"], 1);
  EXPECT_EQ(updated.object["spec"]["replicas"], 4);
}

TEST_F(object_store_test, no_op_update_keeps_the_resource_version) {
  auto created = store.create("ReplicaSet", "default", replicaset("rs", 1));
  auto again = store.update({"ReplicaSet", "default", "rs"}, replicaset("rs", 1));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.object["metadata"]["resourceVersion"], created.object["metadata"]["resourceVersion"]);
}

TEST_F(object_store_test, updates_may_not_change_immutable_fields) {
  ASSERT_TRUE(store.create("ReplicaSet", "default", replicaset("rs", 1)).ok());
  auto reselected = replicaset("rs", 1);
  reselected["spec"]["selector"] = {{"matchLabels", {{"app", "y"}}}};
  reselected["spec"]["template"]["metadata"]["labels"] = {{"app", "y"}};
  auto refused = store.update({"ReplicaSet", "default", "rs"}, reselected);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->code, 422);
  EXPECT_NE(refused.error->message.find("spec.selector: Invalid value"), std::string::npos) << refused.error->message;
  EXPECT_NE(refused.error->message.find("field is immutable"), std::string::npos) << refused.error->message;

  ASSERT_TRUE(store.create("Pod", "default", pod("web")).ok());
  auto changed = pod("web");
  changed["spec"]["containers"][0]["image"] = "nginx";
  auto forbidden = store.update({"Pod", "default", "web"}, changed);
  ASSERT_FALSE(forbidden.ok());
  EXPECT_EQ(forbidden.error->code, 422);
  EXPECT_NE(forbidden.error->message.find("spec: Forbidden: pod updates may not change fields other than metadata"),
            std::string::npos)
      << forbidden.error->message;
  auto relabelled = pod("web", {{"tier", "front"}});
  EXPECT_TRUE(store.update({"Pod", "default", "web"}, relabelled).ok());
}

TEST_F(object_store_test, update_of_a_missing_object_is_not_found) {
  auto result = store.update({"ReplicaSet", "default", "nope"}, replicaset("nope", 1));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->code, 404);
  EXPECT_EQ(result.error->message, "replicasets.apps \"nope\" not found");
}

TEST_F(object_store_test, merge_and_json_patches) {
  store.create("ReplicaSet", "default", replicaset("rs", 1));
  auto merged = store.patch({"ReplicaSet", "default", "rs"},
                            {patch_type::merge, {{"metadata", {{"labels", {{"tier", "web"}}}}}, {"spec", {{"replicas", 5}}}}});
  ASSERT_TRUE(merged.ok()) << merged.error->message;
  EXPECT_EQ(merged.object["spec"]["replicas"], 5);
  EXPECT_EQ(merged.object["metadata"]["labels"]["tier"], "web");
  auto patched = store.patch({"ReplicaSet", "default", "rs"},
                             {patch_type::json_patch, json::parse(R"([{"op":"replace","path":"/spec/replicas","value":2}])")});
  ASSERT_TRUE(patched.ok()) << patched.error->message;
  EXPECT_EQ(patched.object["spec"]["replicas"], 2);
  auto invalid = store.patch({"ReplicaSet", "default", "rs"}, {patch_type::merge, {{"spec", {{"replicas", -1}}}}});
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error->code, 422);
}

TEST_F(object_store_test, binding_places_a_pod_on_a_node_once) {
  store.create("Pod", "default", pod("web"));
  auto bound = store.bind({"Pod", "default", "web"}, {{"target", {{"kind", "Node"}, {"name", "n1"}}}});
  ASSERT_TRUE(bound.ok()) << bound.error->message;
  EXPECT_EQ(bound.object["kind"], "Status");
  EXPECT_EQ(bound.object["code"], 201);
  auto stored = store.get({"Pod", "default", "web"}).object;
  EXPECT_EQ(stored["spec"]["nodeName"], "n1");
  EXPECT_EQ(stored["status"]["conditions"][0]["type"], "PodScheduled");
  EXPECT_EQ(stored["status"]["conditions"][0]["status"], "True");
  // An update that leaves nodeName out keeps it.
  auto relabelled = pod("web", {{"tier", "front"}});
  ASSERT_TRUE(store.update({"Pod", "default", "web"}, relabelled).ok());
  EXPECT_EQ(store.get({"Pod", "default", "web"}).object["spec"]["nodeName"], "n1");

  auto again = store.bind({"Pod", "default", "web"}, {{"target", {{"name", "n2"}}}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error->code, 409);
  EXPECT_EQ(again.error->message, "Operation cannot be fulfilled on pods \"web\": pod web is already assigned to node \"n1\"");
  auto nameless = store.bind({"Pod", "default", "web"}, {{"target", json::object()}});
  ASSERT_FALSE(nameless.ok());
  EXPECT_EQ(nameless.error->code, 422);
  EXPECT_NE(nameless.error->message.find("target.name: Required value"), std::string::npos) << nameless.error->message;
  EXPECT_EQ(store.bind({"Pod", "default", "nope"}, {{"target", {{"name", "n1"}}}}).error->code, 404);
  store.create("Pod", "default", pod("other"));
  auto wrong_uid = store.bind({"Pod", "default", "other"}, {{"metadata", {{"uid", "x"}}}, {"target", {{"name", "n1"}}}});
  EXPECT_EQ(wrong_uid.error->code, 409);
}

TEST_F(object_store_test, a_pod_no_node_runs_is_deleted_at_once) {
  store.create("Pod", "default", pod("web"));
  auto removed = store.remove({"Pod", "default", "web"}, {});
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(store.get({"Pod", "default", "web"}).error->code, 404);
}

TEST_F(object_store_test, pods_are_deleted_gracefully) {
  store.create("Pod", "default", pod("web"));
  store.bind({"Pod", "default", "web"}, {{"target", {{"name", "n1"}}}});
  store.take_events();
  auto first = store.remove({"Pod", "default", "web"}, {});
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first.object["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(first.object["metadata"]["deletionGracePeriodSeconds"], 30);
  ASSERT_TRUE(store.get({"Pod", "default", "web"}).ok());
  delete_options now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(store.remove({"Pod", "default", "web"}, now).ok());
  EXPECT_EQ(store.get({"Pod", "default", "web"}).error->code, 404);
  auto events = store.take_events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, change_type::modified);
  EXPECT_EQ(events[1].type, change_type::deleted);
}

TEST_F(object_store_test, other_kinds_are_deleted_at_once_with_a_status) {
  store.create("ReplicaSet", "default", replicaset("rs", 1));
  auto removed = store.remove({"ReplicaSet", "default", "rs"}, {});
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed.object["kind"], "Status");
  EXPECT_EQ(removed.object["status"], "Success");
  EXPECT_EQ(removed.object["details"]["name"], "rs");
  EXPECT_EQ(store.remove({"ReplicaSet", "default", "rs"}, {}).error->code, 404);
}

TEST_F(object_store_test, delete_preconditions) {
  store.create("ReplicaSet", "default", replicaset("rs", 1));
  delete_options options;
  options.precondition_uid = "someone-else";
  auto result = store.remove({"ReplicaSet", "default", "rs"}, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->code, 409);
}

TEST_F(object_store_test, list_filters_by_namespace_labels_and_fields) {
  store.create("Pod", "default", pod("a", {{"app", "web"}}));
  store.create("Pod", "default", pod("b", {{"app", "db"}}));
  store.create("Pod", "other", pod("c", {{"app", "web"}}));
  auto names = [&](const list_request& request) {
    std::vector<std::string> out;
    auto result = store.list(request);
    EXPECT_TRUE(result.ok());
    for (const auto& item : result.object["items"]) out.push_back(item["metadata"]["name"]);
    return out;
  };
  EXPECT_EQ(names({"Pod", "default", "", ""}), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(names({"Pod", "", "app=web", ""}), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(names({"Pod", "", "app!=web", ""}), (std::vector<std::string>{"b"}));
  EXPECT_EQ(names({"Pod", "", "", "metadata.name=b"}), (std::vector<std::string>{"b"}));
  auto list = store.list({"Pod", "", "", ""});
  EXPECT_EQ(list.object["kind"], "PodList");
  EXPECT_EQ(list.object["metadata"]["resourceVersion"], "3");
  EXPECT_EQ(store.list({"Pod", "", "app in (", ""}).error->code, 400);
}

TEST_F(object_store_test, services_get_cluster_ips_that_are_freed_on_delete) {
  json service = json::parse(R"({"kind":"Service","apiVersion":"v1","metadata":{"name":"s"},
    "spec":{"selector":{"app":"x"},"ports":[{"port":8080}]}})");
  auto created = store.create("Service", "default", service);
  ASSERT_TRUE(created.ok()) << created.error->message;
  EXPECT_EQ(created.object["spec"]["clusterIP"], "10.96.0.2");
  EXPECT_EQ(created.object["spec"]["ports"][0]["targetPort"], 8080);
  json changed = created.object;
  changed["spec"]["clusterIP"] = "10.96.0.99";
  EXPECT_EQ(store.update({"Service", "default", "s"}, changed).error->code, 422);
}

json node_port_service(const std::string& name, const std::string& type, json ports) {
  return {{"kind", "Service"},
          {"apiVersion", "v1"},
          {"metadata", {{"name", name}}},
          {"spec", {{"type", type}, {"selector", {{"app", "x"}}}, {"ports", std::move(ports)}}}};
}

// Kubernetes' node port allocator: from the range, each port to one Service, kept across
// updates, freed when the Service goes or becomes ClusterIP, taken again after a restart.
TEST_F(object_store_test, node_ports_come_from_the_range_once_each) {
  object_store_settings settings;
  settings.node_port_first = 30000;
  settings.node_port_last = 30002;
  object_store ports{settings, fixed_hooks()};
  auto a = ports.create("Service", "default",
                        node_port_service("a", "NodePort", {{{"name", "web"}, {"port", 8080}}, {{"name", "api"}, {"port", 8081}}}));
  ASSERT_TRUE(a.ok()) << a.error->message;
  EXPECT_EQ(a.object["spec"]["ports"][0]["nodePort"], 30000);
  EXPECT_EQ(a.object["spec"]["ports"][1]["nodePort"], 30001);
  EXPECT_EQ(a.object["spec"]["externalTrafficPolicy"], "Cluster");

  // Asked for: out of the range, another Service's, or free.
  auto outside = ports.create("Service", "default", node_port_service("b", "NodePort", {{{"port", 8000}, {"nodePort", 31000}}}));
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error->code, 422);
  EXPECT_EQ(outside.error->causes.at(0).field, "spec.ports[0].nodePort");
  EXPECT_NE(outside.error->causes.at(0).message.find("not in the valid range. The range of valid ports is 30000-30002"),
            std::string::npos);
  auto taken = ports.create("Service", "default", node_port_service("b", "NodePort", {{{"port", 8000}, {"nodePort", 30001}}}));
  ASSERT_FALSE(taken.ok());
  EXPECT_NE(taken.error->causes.at(0).message.find("provided port is already allocated"), std::string::npos);
  auto lb = ports.create("Service", "default", node_port_service("lb", "LoadBalancer", {{{"port", 8000}}}));
  ASSERT_TRUE(lb.ok()) << lb.error->message;
  EXPECT_EQ(lb.object["spec"]["ports"][0]["nodePort"], 30002);
  auto full = ports.create("Service", "default", node_port_service("c", "NodePort", {{{"port", 8000}}}));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error->code, 500);

  // An update that omits the node ports keeps them; back to ClusterIP frees them.
  json resent = node_port_service("a", "NodePort", {{{"name", "web"}, {"port", 8080}}, {{"name", "api"}, {"port", 8081}}});
  auto updated = ports.update({"Service", "default", "a"}, resent);
  ASSERT_TRUE(updated.ok()) << updated.error->message;
  EXPECT_EQ(updated.object["spec"]["ports"][1]["nodePort"], 30001);
  json cluster_ip = updated.object;
  cluster_ip["spec"]["type"] = "ClusterIP";  // kubectl edit: the policy it had stays in the body
  auto plain = ports.update({"Service", "default", "a"}, cluster_ip);
  ASSERT_TRUE(plain.ok()) << plain.error->message;
  EXPECT_FALSE(plain.object["spec"]["ports"][0].contains("nodePort"));
  EXPECT_FALSE(plain.object["spec"].contains("externalTrafficPolicy"));
  auto freed = ports.create("Service", "default", node_port_service("c", "NodePort", {{{"port", 8000}, {"nodePort", 30001}}}));
  ASSERT_TRUE(freed.ok()) << freed.error->message;

  // Deleting frees (a restart taking kept Services' ports again: sqlite_backend_test).
  ASSERT_TRUE(ports.remove({"Service", "default", "lb"}, {}).ok());
  auto after = ports.create("Service", "default", node_port_service("d", "NodePort", {{{"port", 8000}, {"nodePort", 30002}}}));
  EXPECT_TRUE(after.ok()) << after.error->message;
}

TEST_F(object_store_test, history_lets_watchers_resume_until_compacted) {
  object_store_settings settings;
  settings.history_limit = 2;
  object_store small{settings, fixed_hooks()};
  small.create("Pod", "default", pod("a"));
  small.create("Pod", "default", pod("b"));
  small.create("Pod", "default", pod("c"));
  auto recent = small.history_since(1, "Pod");
  ASSERT_TRUE(std::holds_alternative<std::vector<change_event>>(recent));
  EXPECT_EQ(std::get<std::vector<change_event>>(recent).size(), 2u);
  auto expired = small.history_since(0, "Pod");
  ASSERT_TRUE(std::holds_alternative<orkest::model::api_error>(expired));
  EXPECT_EQ(std::get<orkest::model::api_error>(expired).code, 410);
}

// A ReplicaSet of 2147483647 replicas once made 6,500 pods in 6 s and starved the store.
TEST_F(object_store_test, the_node_takes_at_most_max_pods_and_no_replica_set_asks_for_more) {
  object_store_settings settings;
  settings.limits.max_pods = 2;
  object_store small{settings, fixed_hooks()};
  ASSERT_TRUE(small.create("Pod", "default", pod("a")).ok());
  ASSERT_TRUE(small.create("Pod", "other", pod("b")).ok());
  auto third = small.create("Pod", "default", pod("c"));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error->code, 403);
  EXPECT_EQ(third.error->reason, "Forbidden");
  EXPECT_EQ(third.error->message,
            "pods \"c\" is forbidden: node orkest already has 2 pods, the most it runs (maxPods in orkest's "
            "configuration)");
  ASSERT_TRUE(small.remove({"Pod", "default", "a"}, delete_options{int64_t{0}, {}, {}}).ok());  // gone at once
  EXPECT_TRUE(small.create("Pod", "default", pod("c")).ok());

  auto runaway = small.create("ReplicaSet", "default", replicaset("rs", 2147483647));
  ASSERT_FALSE(runaway.ok());
  EXPECT_EQ(runaway.error->code, 422);
  ASSERT_EQ(runaway.error->causes.size(), 1u);
  EXPECT_EQ(runaway.error->causes[0].field, "spec.replicas");
  auto created = small.create("ReplicaSet", "default", replicaset("rs", 2));
  ASSERT_TRUE(created.ok());
  json scaled = created.object;
  scaled["spec"]["replicas"] = 3;
  EXPECT_EQ(small.update({"ReplicaSet", "default", "rs"}, scaled).error->code, 422);
  scaled["spec"]["replicas"] = 0;
  EXPECT_TRUE(small.update({"ReplicaSet", "default", "rs"}, scaled).ok());
}

// Services listen on the host at their port: not on a privileged port, never on the API's.
TEST_F(object_store_test, service_host_ports_below_1024_and_the_api_port_are_refused) {
  object_store_settings settings;
  settings.limits.reserved_ports = {3000};
  object_store guarded{settings, fixed_hooks()};
  auto service = [](const std::string& name, int port) {
    return json{{"apiVersion", "v1"},
                {"kind", "Service"},
                {"metadata", {{"name", name}}},
                {"spec", {{"selector", {{"app", "x"}}}, {"ports", json::array({{{"port", port}, {"targetPort", 5000}}})}}}};
  };
  for (int port : {22, 1, 1023}) {
    auto refused = guarded.create("Service", "default", service("s", port));
    ASSERT_FALSE(refused.ok()) << port;
    EXPECT_EQ(refused.error->code, 422);
    ASSERT_EQ(refused.error->causes.size(), 1u);
    EXPECT_EQ(refused.error->causes[0].reason, "FieldValueForbidden");
    EXPECT_EQ(refused.error->causes[0].field, "spec.ports[0].port");
    EXPECT_NE(refused.error->causes[0].message.find("services.hostPortsBelow1024"), std::string::npos);
  }
  auto api_port = guarded.create("Service", "default", service("s", 3000));
  ASSERT_FALSE(api_port.ok());
  EXPECT_EQ(api_port.error->causes[0].message, "Invalid value: 3000: is orkest's own API port on this host");
  auto created = guarded.create("Service", "default", service("s", 1024));
  ASSERT_TRUE(created.ok());
  json moved = created.object;
  moved["spec"]["ports"][0]["port"] = 22;
  EXPECT_EQ(guarded.update({"Service", "default", "s"}, moved).error->code, 422);

  settings.limits.service_ports_below_1024 = true;
  object_store allowed{settings, fixed_hooks()};
  EXPECT_TRUE(allowed.create("Service", "default", service("s", 22)).ok());
}

// The API is root on this host to whoever may create pods: privileged containers and
// capabilities beyond Kubernetes' baseline only when orkest's configuration says so.
TEST_F(object_store_test, privileged_containers_and_extra_capabilities_need_the_configuration) {
  auto with_context = [&](const std::string& name, json context) {
    json p = pod(name);
    p["spec"]["containers"][0]["securityContext"] = std::move(context);
    return p;
  };
  auto privileged = store.create("Pod", "default", with_context("a", {{"privileged", true}}));
  ASSERT_FALSE(privileged.ok());
  EXPECT_EQ(privileged.error->code, 422);
  ASSERT_EQ(privileged.error->causes.size(), 1u);
  EXPECT_EQ(privileged.error->causes[0].field, "spec.containers[0].securityContext.privileged");
  EXPECT_EQ(privileged.error->causes[0].message,
            "Forbidden: privileged containers are not allowed on this host (security.allowPrivileged in orkest's "
            "configuration)");
  auto admin = store.create("Pod", "default", with_context("b", {{"capabilities", {{"add", {"NET_BIND_SERVICE", "SYS_ADMIN"}}}}}));
  ASSERT_FALSE(admin.ok());
  ASSERT_EQ(admin.error->causes.size(), 1u);
  EXPECT_EQ(admin.error->causes[0].field, "spec.containers[0].securityContext.capabilities.add[1]");
  EXPECT_TRUE(store.create("Pod", "default", with_context("c", {{"capabilities", {{"add", {"NET_BIND_SERVICE"}}, {"drop", {"ALL"}}}}}))
                  .ok());
  json rs = replicaset("rs", 1);
  rs["spec"]["template"]["spec"]["containers"][0]["securityContext"] = {{"privileged", true}};
  auto template_refused = store.create("ReplicaSet", "default", rs);
  ASSERT_FALSE(template_refused.ok());
  EXPECT_EQ(template_refused.error->causes[0].field, "spec.template.spec.containers[0].securityContext.privileged");

  json published = pod("d");
  published["spec"]["containers"][0]["ports"] = {{{"containerPort", 5000}, {"hostPort", 80}}};
  auto low_port = store.create("Pod", "default", published);
  ASSERT_FALSE(low_port.ok());
  EXPECT_EQ(low_port.error->causes[0].field, "spec.containers[0].ports[0].hostPort");
  published["spec"]["containers"][0]["ports"][0]["hostPort"] = 8080;
  EXPECT_TRUE(store.create("Pod", "default", published).ok());

  object_store_settings settings;
  settings.limits.allow_privileged = true;
  object_store allowed{settings, fixed_hooks()};
  EXPECT_TRUE(allowed.create("Pod", "default", with_context("a", {{"privileged", true}})).ok());
  EXPECT_TRUE(allowed.create("ReplicaSet", "default", rs).ok());
}

// A hostPath is the host's files to whoever may create pods: only under the folders orkest's
// configuration names, compared by whole path components.
TEST_F(object_store_test, host_path_volumes_need_an_allowed_folder) {
  auto with_host_path = [&](const std::string& name, const std::string& path) {
    json p = pod(name);
    p["spec"]["volumes"] = {{{"name", "host"}, {"hostPath", {{"path", path}}}}};
    return p;
  };
  auto refused = store.create("Pod", "default", with_host_path("a", "/srv/shared"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->code, 422);
  ASSERT_EQ(refused.error->causes.size(), 1u);
  EXPECT_EQ(refused.error->causes[0].field, "spec.volumes[0].hostPath.path");
  EXPECT_EQ(refused.error->causes[0].message,
            "Forbidden: /srv/shared is not under a folder in security.hostPathAllowed of orkest's configuration "
            "(hostPath volumes reach the host's files)");

  object_store_settings settings;
  settings.limits.host_path_allowed = {"/srv/shared"};
  object_store allowed{settings, fixed_hooks()};
  EXPECT_TRUE(allowed.create("Pod", "default", with_host_path("a", "/srv/shared")).ok());
  EXPECT_TRUE(allowed.create("Pod", "default", with_host_path("b", "/srv/shared/logs/web")).ok());
  EXPECT_FALSE(allowed.create("Pod", "default", with_host_path("c", "/srv/shared-other")).ok()) << "a prefix, not a folder";
  EXPECT_FALSE(allowed.create("Pod", "default", with_host_path("d", "/srv")).ok());
  json rs = replicaset("rs", 1);
  rs["spec"]["template"]["spec"]["volumes"] = {{{"name", "host"}, {"hostPath", {{"path", "/etc"}}}}};
  auto template_refused = allowed.create("ReplicaSet", "default", rs);
  ASSERT_FALSE(template_refused.ok());
  EXPECT_EQ(template_refused.error->causes[0].field, "spec.template.spec.volumes[0].hostPath.path");
}

// etcd keeps at most 1.5 MiB per object; an object may still shrink or be deleted at the limit.
TEST_F(object_store_test, an_object_encoding_past_the_limit_is_refused_but_may_shrink) {
  object_store_settings settings;
  settings.max_object_bytes = 2048;
  object_store small{settings, fixed_hooks()};
  json big = pod("big");
  big["spec"]["containers"][0]["args"] = json::array({std::string(3000, 'x')});
  auto refused = small.create("Pod", "default", big);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->code, 413);
  EXPECT_EQ(refused.error->reason, "RequestEntityTooLarge");
  EXPECT_NE(refused.error->message.find("Pod \"big\" is too large"), std::string::npos) << refused.error->message;
  EXPECT_EQ(small.resource_version(), 0u);  // nothing was written

  auto created = small.create("Pod", "default", pod("web"));
  ASSERT_TRUE(created.ok());
  json grown = created.object;
  grown["metadata"]["annotations"] = {{"note", std::string(3000, 'y')}};
  EXPECT_EQ(small.update({"Pod", "default", "web"}, grown).error->code, 413);
  EXPECT_TRUE(small.remove({"Pod", "default", "web"}, {}).ok());  // marking it terminating still fits
}

// 400 updates of a 2.5 MB object once kept 2 GB of history after the object was deleted.
TEST_F(object_store_test, history_is_bounded_in_bytes_too) {
  object_store_settings settings;
  settings.history_bytes_limit = 20000;
  object_store small{settings, fixed_hooks()};
  auto created = small.create("Pod", "default", pod("web"));
  ASSERT_TRUE(created.ok());
  json changed = created.object;
  for (int i = 0; i < 20; ++i) {
    changed["metadata"]["annotations"] = {{"note", std::string(4000, static_cast<char>('a' + i))}};
    auto updated = small.update({"Pod", "default", "web"}, changed);
    ASSERT_TRUE(updated.ok()) << updated.error->message;
    changed = updated.object;
  }
  // About four of the 4 KB changes fit: resuming from the start is gone, from the last is not.
  auto early = small.history_since(1, "Pod");
  ASSERT_TRUE(std::holds_alternative<orkest::model::api_error>(early));
  EXPECT_EQ(std::get<orkest::model::api_error>(early).code, 410);
  auto recent = small.history_since(small.resource_version() - 3, "Pod");
  ASSERT_TRUE(std::holds_alternative<std::vector<change_event>>(recent));
  EXPECT_EQ(std::get<std::vector<change_event>>(recent).size(), 3u);
}

}  // namespace

TEST_F(object_store_test, forgiven_shapes_are_stored_canonical_with_warnings) {
  auto created = store.create("Pod", "default",
                              json::parse(R"({"kind":"pod","metadata":{"name":"web","app":"web"},
                                              "spec":{"containers":[{"name":"c","image":"busybox"}]}})"));
  ASSERT_TRUE(created.ok()) << created.error->message;
  EXPECT_EQ(created.object["kind"], "Pod");
  EXPECT_EQ(created.object["apiVersion"], "v1");
  EXPECT_EQ(created.object["metadata"]["labels"], json::parse(R"({"app":"web"})"));
  EXPECT_FALSE(created.object["metadata"].contains("app"));
  EXPECT_EQ(created.warnings.size(), 3u);

  auto stored = store.create("ReplicaSet", "default", replicaset("rs", 2));
  ASSERT_TRUE(stored.ok());
  auto scaled = store.update({"ReplicaSet", "default", "rs"}, json::parse(R"({"spec":{"replicas":4}})"));
  ASSERT_TRUE(scaled.ok()) << scaled.error->message;
  EXPECT_EQ(scaled.object["spec"]["replicas"], 4);
  EXPECT_EQ(scaled.object["spec"]["template"], stored.object["spec"]["template"]);
  EXPECT_EQ(scaled.object["metadata"]["generation"], 2);
  EXPECT_FALSE(scaled.warnings.empty());

  // Canonical writes warn nothing.
  auto canonical = store.update({"ReplicaSet", "default", "rs"}, replicaset("rs", 3));
  ASSERT_TRUE(canonical.ok()) << canonical.error->message;
  EXPECT_TRUE(canonical.warnings.empty());
}
