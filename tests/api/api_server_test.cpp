// The HTTP API through the real Pistache server on a free loopback port, backed by the real
// control plane (threaded, fake runtime): every verb, every error code, the user's own example
// requests byte for byte, and 64 clients writing in parallel with the end state checked
// exactly against what they were told succeeded.

#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "actors/control_plane.hpp"
#include "api/api_server.hpp"
#include "podman/fake_runtime.hpp"
#include "tests/api/http_client.hpp"
#include "tests/api/quiet_config.hpp"
#include "tests/model/user_examples.hpp"
#include "tests/model/manifests.hpp"

namespace orkest::testing {
namespace {

using nlohmann::json;

const std::string pods_path = "/api/v1/namespaces/default/pods";
const std::string services_path = "/api/v1/namespaces/default/services";
const std::string replicasets_path = "/apis/apps/v1/namespaces/default/replicasets";
constexpr std::size_t body_limit = 64 * 1024;

json service_manifest(const std::string& name, json labels = json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", {{"name", name}, {"labels", std::move(labels)}}},
          {"spec", {{"selector", {{"app", name}}}, {"ports", {{{"port", 8000}, {"targetPort", 8080}}}}}}};
}

json pod_manifest(const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}}},
          {"spec", {{"containers", {{{"name", "app"}, {"image", "busybox:1.35"}}}}}}};
}

uint64_t version_of(const json& object) {
  return std::stoull(object["metadata"]["resourceVersion"].get<std::string>());
}

std::set<std::string> names_in(const json& list) {
  std::set<std::string> names;
  for (const auto& item : list["items"]) names.insert(item["metadata"]["name"].get<std::string>());
  return names;
}

std::vector<std::string> cause_fields(const json& status) {
  std::vector<std::string> fields;
  for (const auto& cause : status["details"].value("causes", json::array())) fields.push_back(cause.value("field", ""));
  return fields;
}

// Asserts a Kubernetes Status error: HTTP code, Status.code and reason agree.
void expect_status_error(const http_reply& reply, int code, const std::string& reason) {
  EXPECT_EQ(reply.status, code) << reply.body;
  ASSERT_FALSE(reply.body.empty());
  auto status = reply.json();
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["status"], "Failure");
  EXPECT_EQ(status["code"], code);
  EXPECT_EQ(status["reason"], reason);
}

// A real server on a free port in front of a real control plane with the fake runtime.
class api_server_test : public ::testing::Test {
 protected:
  quiet_config config;
  caf::actor_system system{config};
  std::shared_ptr<podman::fake_runtime> runtime = std::make_shared<podman::fake_runtime>();
  actors::control_plane plane;
  std::unique_ptr<api::api_server> server;
  std::unique_ptr<http_client> client;

  void SetUp() override {
    actors::control_plane_settings settings;
    settings.runtime_workers = 2;
    // The fake runtime never blocks, so its calls can stay on CAF's threads; this also keeps
    // the test from opening sockets beyond its own server (no Service listeners on host ports,
    // no cluster DNS on port 53).
    settings.threaded_runtime = false;
    plane = actors::start_control_plane(system, runtime, settings);
    server = start_server(plane.store, std::chrono::seconds(10));
    client = std::make_unique<http_client>(server->port());
  }

  void TearDown() override {
    server->stop();
    plane.shutdown();
  }

  std::unique_ptr<api::api_server> start_server(actors::store_actor store, std::chrono::milliseconds timeout) {
    api::server_settings settings;
    settings.port = 0;
    settings.threads = 4;
    settings.request_timeout = timeout;
    settings.handler.max_body_bytes = body_limit;
    auto started = std::make_unique<api::api_server>(system, std::move(store), settings);
    started->start();
    return started;
  }

  json created(const std::string& path, const json& body) {
    auto reply = client->post(path, body.dump());
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.json();
  }

  // GETs the object, applies `change` and PUTs it with the version read, again while a
  // controller's status write gets in between. Returns the body of the PUT that was accepted.
  json put_to_latest(const std::string& path, const std::function<void(json&)>& change) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      auto current = client->get(path).json();
      change(current);
      auto reply = client->put(path, current.dump());
      if (reply.status == 200) return current;
      EXPECT_EQ(reply.status, 409) << reply.body;
    }
    ADD_FAILURE() << "every PUT to " << path << " conflicted";
    return nullptr;
  }

  // Pods matching `selector` once exactly `count` of them run, or what there was at the limit.
  bool eventually_running(const std::string& selector, std::size_t count) {
    return eventually([&] {
      auto list = client->get(pods_path + "?labelSelector=" + selector).json();
      std::size_t running = 0;
      for (const auto& pod : list["items"])
        if (pod["status"].value("phase", "") == "Running" && !pod["metadata"].contains("deletionTimestamp")) ++running;
      return list["items"].size() == count && running == count;
    });
  }
};

TEST_F(api_server_test, health_and_version_answer) {
  auto health = client->get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok");
  EXPECT_EQ(client->get("/readyz").status, 200);
  auto version = client->get("/version");
  EXPECT_EQ(version.status, 200);
  EXPECT_EQ(version.json()["major"], "1");
}

// People read and grep what curl prints; clients get compact JSON (as Kubernetes answers).
TEST_F(api_server_test, json_is_indented_for_curl_wget_browsers_and_pretty_true) {
  created(services_path, service_manifest("web"));
  auto as = [&](const std::string& agent, const std::string& target) {
    return client->send({"GET", target, {}, {}, {{"User-Agent", agent}}});
  };
  const std::string indented_start = "{\n  \"apiVersion\": \"v1\",";
  for (const char* agent : {"curl/7.88.1", "Wget/1.21.3", "Mozilla/5.0 (X11; Linux x86_64)"}) {
    auto reply = as(agent, services_path + "/web");
    EXPECT_EQ(reply.body.substr(0, indented_start.size()), indented_start) << agent;
    EXPECT_EQ(reply.json()["metadata"]["name"], "web");
  }
  EXPECT_EQ(as("kubectl/v1.32.0 (linux/amd64)", services_path + "/web").body.substr(0, 15), "{\"apiVersion\":\"");
  EXPECT_EQ(as("curl/7.88.1", services_path + "/web?pretty=false").body.substr(0, 15), "{\"apiVersion\":\"");
  EXPECT_EQ(as("Python", services_path + "/web?pretty=true").body.substr(0, indented_start.size()), indented_start);
  // Errors too: a Status for curl is indented.
  EXPECT_NE(as("curl/7.88.1", services_path + "/missing").body.find("\n  \"code\": 404"), std::string::npos);
}

TEST_F(api_server_test, post_answers_201_with_the_created_object) {
  auto reply = client->post(services_path, service_manifest("web").dump());
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_NE(reply.header("content-type").find("application/json"), std::string::npos);
  auto service = reply.json();
  EXPECT_EQ(service["kind"], "Service");
  EXPECT_EQ(service["metadata"]["name"], "web");
  EXPECT_EQ(service["metadata"]["namespace"], "default");
  EXPECT_FALSE(service["metadata"].value("uid", "").empty());
  EXPECT_FALSE(service["metadata"].value("resourceVersion", "").empty());
  EXPECT_FALSE(service["spec"].value("clusterIP", "").empty());
}

TEST_F(api_server_test, get_returns_one_object_and_lists_filter_by_label_selector) {
  auto web = created(services_path, service_manifest("web", {{"tier", "front"}}));
  created(services_path, service_manifest("db", {{"tier", "back"}}));
  created(services_path, service_manifest("cache"));
  created("/api/v1/namespaces", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "other"}}}});
  created("/api/v1/namespaces/other/services", service_manifest("elsewhere", {{"tier", "front"}}));

  auto one = client->get(services_path + "/web");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.json()["metadata"]["uid"], web["metadata"]["uid"]);
  EXPECT_EQ(one.json()["spec"], web["spec"]);

  auto front = client->get(services_path + "?labelSelector=tier%3Dfront");
  ASSERT_EQ(front.status, 200) << front.body;
  EXPECT_EQ(front.json()["kind"], "ServiceList");
  EXPECT_FALSE(front.json()["metadata"].value("resourceVersion", "").empty());
  EXPECT_EQ(names_in(front.json()), (std::set<std::string>{"web"}));

  EXPECT_EQ(names_in(client->get(services_path + "?labelSelector=tier+in+(front,back)").json()),
            (std::set<std::string>{"web", "db"}));
  EXPECT_EQ(names_in(client->get(services_path + "?labelSelector=!tier").json()), (std::set<std::string>{"cache"}));
  EXPECT_EQ(names_in(client->get(services_path).json()), (std::set<std::string>{"web", "db", "cache"}));
  EXPECT_EQ(names_in(client->get("/api/v1/services?labelSelector=tier%3Dfront").json()),
            (std::set<std::string>{"web", "elsewhere"}));
}

// Namespaces as Kubernetes keeps them: the system ones exist, an object goes only into a
// namespace that exists and is not being deleted, a deleted namespace takes its objects with it,
// and default stays.
TEST_F(api_server_test, namespaces_hold_objects_and_take_them_when_deleted) {
  const json team = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team"}}}};
  expect_status_error(client->post("/api/v1/namespaces/team/configmaps",
                                   R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"}})"),
                      404, "NotFound");
  EXPECT_EQ(client->post("/api/v1/namespaces/team/configmaps", R"({"metadata":{"name":"settings"}})").json()["message"],
            "namespaces \"team\" not found");
  auto made = created("/api/v1/namespaces", team);
  EXPECT_EQ(made["status"]["phase"], "Active");
  EXPECT_EQ(made["spec"]["finalizers"], json({"kubernetes"}));
  created("/api/v1/namespaces/team/configmaps", {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "settings"}}}});
  auto listed = client->get("/api/v1/namespaces");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json()["kind"], "NamespaceList");
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease", "team"})
    EXPECT_TRUE(names_in(listed.json()).count(name)) << name;

  expect_status_error(client->del("/api/v1/namespaces/default"), 403, "Forbidden");
  auto deleted = client->del("/api/v1/namespaces/team");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  // Gone once the namespace controller has emptied it, with its ConfigMap.
  EXPECT_TRUE(eventually([&] { return client->get("/api/v1/namespaces/team").status == 404; }))
      << client->get("/api/v1/namespaces/team").body;
  EXPECT_EQ(client->get("/api/v1/namespaces/team/configmaps/settings").status, 404);
}

// A namespace being deleted takes no new objects (NamespaceTerminating), and PUT .../finalize
// lets it go.
TEST_F(api_server_test, a_terminating_namespace_refuses_new_objects_until_finalized) {
  const json bare = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "held"}}},
                     {"spec", {{"finalizers", {"example.com/hold"}}}}};
  created("/api/v1/namespaces", bare);
  ASSERT_EQ(client->del("/api/v1/namespaces/held").status, 200);
  auto refused = client->post("/api/v1/namespaces/held/configmaps", R"({"metadata":{"name":"late"}})");
  expect_status_error(refused, 403, "Forbidden");
  EXPECT_EQ(refused.json()["message"],
            "configmaps \"late\" is forbidden: unable to create new content in namespace held because it is being "
            "terminated");
  EXPECT_EQ(refused.json()["details"]["causes"][0]["reason"], "NamespaceTerminating");
  EXPECT_EQ(client->get("/api/v1/namespaces/held").json()["status"]["phase"], "Terminating");
  // Its own finalizer holds it (the controller only takes its own away): a PUT to finalize lets go.
  auto finalized = client->put("/api/v1/namespaces/held/finalize", R"({"spec":{"finalizers":[]}})");
  ASSERT_EQ(finalized.status, 200) << finalized.body;
  EXPECT_EQ(client->get("/api/v1/namespaces/held").status, 404);
}

TEST_F(api_server_test, put_replaces_the_object_and_answers_200) {
  auto rs = created(replicasets_path, replicaset_manifest("web", 0));
  auto body = replicaset_manifest("web", 2);
  auto reply = client->put(replicasets_path + "/web", body.dump());
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto updated = reply.json();
  EXPECT_EQ(updated["spec"]["replicas"], 2);
  EXPECT_EQ(updated["metadata"]["generation"], 2);
  EXPECT_EQ(updated["metadata"]["uid"], rs["metadata"]["uid"]);
  EXPECT_GT(version_of(updated), version_of(rs));
}

TEST_F(api_server_test, patch_applies_a_merge_patch_and_a_json_patch) {
  created(services_path, service_manifest("web"));

  auto merged = client->patch(services_path + "/web", R"({"metadata":{"labels":{"patched":"yes"}}})",
                              "application/merge-patch+json");
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(merged.json()["metadata"]["labels"]["patched"], "yes");

  auto json_patched = client->patch(services_path + "/web", R"([{"op":"replace","path":"/spec/ports/0/port","value":8001}])",
                                    "application/json-patch+json");
  ASSERT_EQ(json_patched.status, 200) << json_patched.body;
  EXPECT_EQ(json_patched.json()["spec"]["ports"][0]["port"], 8001);
  EXPECT_EQ(json_patched.json()["metadata"]["labels"]["patched"], "yes");

  auto stored = client->get(services_path + "/web").json();
  EXPECT_EQ(stored["spec"]["ports"][0]["port"], 8001);
}

TEST_F(api_server_test, delete_answers_200_and_the_object_is_gone) {
  created(services_path, service_manifest("web"));
  auto deleted = client->del(services_path + "/web");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.json()["kind"], "Status");
  EXPECT_EQ(deleted.json()["status"], "Success");
  expect_status_error(client->get(services_path + "/web"), 404, "NotFound");

  // A pod is answered with itself, terminating, and goes once its container is removed.
  created(pods_path, pod_manifest("worker"));
  ASSERT_TRUE(eventually([&] { return runtime->containers().size() == 1; }));
  auto pod = client->del(pods_path + "/worker");
  ASSERT_EQ(pod.status, 200) << pod.body;
  EXPECT_EQ(pod.json()["kind"], "Pod");
  EXPECT_TRUE(pod.json()["metadata"].contains("deletionTimestamp"));
  EXPECT_TRUE(eventually([&] { return client->get(pods_path + "/worker").status == 404; }));
  EXPECT_TRUE(runtime->containers().empty());
}

TEST_F(api_server_test, a_malformed_body_is_400_saying_where) {
  auto reply = client->post(pods_path, "{\"apiVersion\": \"v1\",\n \"kind\": }");
  expect_status_error(reply, 400, "BadRequest");
  EXPECT_NE(reply.json()["message"].get<std::string>().find("line 2, column 10"), std::string::npos)
      << reply.json()["message"];
}

TEST_F(api_server_test, unknown_paths_and_missing_objects_are_404) {
  expect_status_error(client->get("/api/v1/namespaces/default/widgets"), 404, "NotFound");
  expect_status_error(client->get("/nowhere"), 404, "NotFound");
  auto missing = client->get(pods_path + "/nobody");
  expect_status_error(missing, 404, "NotFound");
  EXPECT_EQ(missing.json()["details"]["name"], "nobody");
  EXPECT_EQ(missing.json()["details"]["kind"], "pods");
}

// PersistentVolumes and StorageClasses belong to no namespace: their URLs have none, their
// objects carry none, and a namespaced URL for them is not found.
TEST_F(api_server_test, cluster_scoped_kinds_live_outside_namespaces) {
  const json volume = json::parse(R"({"apiVersion": "v1", "kind": "PersistentVolume",
      "metadata": {"name": "pv-1", "namespace": "default"},
      "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "manual",
               "hostPath": {"path": "/srv/volumes/pv-1"}}})");
  // No hostPath folder is allowed by this server's limits: admission refuses it, naming the field.
  auto refused = client->post("/api/v1/persistentvolumes", volume.dump());
  expect_status_error(refused, 422, "Invalid");
  EXPECT_EQ(refused.json()["details"]["causes"][0]["field"], "spec.hostPath.path");

  auto created = client->post("/apis/storage.k8s.io/v1/storageclasses",
                              R"({"metadata": {"name": "fast"}, "provisioner": "orkest.io/local-path"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_FALSE(created.json()["metadata"].contains("namespace"));
  EXPECT_EQ(created.json()["reclaimPolicy"], "Delete");
  EXPECT_EQ(client->get("/apis/storage.k8s.io/v1/storageclasses/fast").status, 200);
  expect_status_error(client->get("/apis/storage.k8s.io/v1/namespaces/default/storageclasses/fast"), 404, "NotFound");
  auto listed = client->get("/apis/storage.k8s.io/v1/storageclasses").json();
  ASSERT_EQ(listed["items"].size(), 1u);
  auto groups = client->get("/apis").json()["groups"];
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[1]["name"], "storage.k8s.io");
  EXPECT_EQ(groups[2]["name"], "coordination.k8s.io");
  auto resources = client->get("/apis/storage.k8s.io/v1").json()["resources"];
  EXPECT_EQ(resources[0]["name"], "storageclasses");
  EXPECT_EQ(resources[0]["namespaced"], false);
}

TEST_F(api_server_test, a_verb_a_path_does_not_take_is_405) {
  expect_status_error(client->del(pods_path), 405, "MethodNotAllowed");
  expect_status_error(client->post("/api/v1/pods", pod_manifest("x").dump()), 405, "MethodNotAllowed");
  expect_status_error(client->post(pods_path + "/x", pod_manifest("x").dump()), 405, "MethodNotAllowed");
}

TEST_F(api_server_test, creating_twice_is_409_already_exists) {
  created(services_path, service_manifest("web"));
  auto again = client->post(services_path, service_manifest("web").dump());
  expect_status_error(again, 409, "AlreadyExists");
}

TEST_F(api_server_test, a_put_with_a_stale_resource_version_is_409_conflict) {
  created(services_path, service_manifest("web"));
  auto accepted = put_to_latest(services_path + "/web", [](json& service) {
    service["metadata"]["labels"] = {{"writer", "first"}};
  });
  ASSERT_FALSE(accepted.is_null());

  auto stale = accepted;  // the version it was based on has been replaced by its own write
  stale["metadata"]["labels"] = {{"writer", "second"}};
  expect_status_error(client->put(services_path + "/web", stale.dump()), 409, "Conflict");
  EXPECT_EQ(client->get(services_path + "/web").json()["metadata"]["labels"]["writer"], "first");
}

TEST_F(api_server_test, a_body_over_the_configured_limit_is_413) {
  auto body = service_manifest("big");
  body["metadata"]["annotations"] = {{"padding", std::string(body_limit, 'x')}};
  expect_status_error(client->post(services_path, body.dump()), 413, "RequestEntityTooLarge");
  expect_status_error(client->get(services_path + "/big"), 404, "NotFound");
}

TEST_F(api_server_test, an_unsupported_content_type_is_415) {
  expect_status_error(client->post(services_path, service_manifest("web").dump(), "text/plain"), 415,
                      "UnsupportedMediaType");
  created(services_path, service_manifest("web"));
  expect_status_error(client->patch(services_path + "/web", R"({"metadata":{}})", "application/json"), 415,
                      "UnsupportedMediaType");
}

TEST_F(api_server_test, an_invalid_object_is_422_with_a_cause_per_bad_field) {
  auto no_image = pod_manifest("broken");
  no_image["spec"]["containers"][0].erase("image");
  auto reply = client->post(pods_path, no_image.dump());
  expect_status_error(reply, 422, "Invalid");
  auto status = reply.json();
  ASSERT_EQ(cause_fields(status), (std::vector<std::string>{"spec.containers[0].image"}));
  EXPECT_EQ(status["details"]["causes"][0]["reason"], "FieldValueRequired");
  EXPECT_NE(status["message"].get<std::string>().find("spec.containers[0].image: Required value"), std::string::npos);

  auto negative = replicaset_manifest("broken", -1);
  negative["spec"]["template"]["spec"]["containers"][0]["ports"] = {{{"containerPort", 70000}}};
  auto fields = cause_fields(client->post(replicasets_path, negative.dump()).json());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "spec.replicas"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "spec.template.spec.containers[0].ports[0].containerPort"),
            fields.end());
}

TEST_F(api_server_test, a_store_that_never_answers_is_504_not_a_hang) {
  caf::scoped_actor silent{system};  // never reads its mailbox
  auto unresponsive = start_server(caf::actor_cast<actors::store_actor>(silent), std::chrono::milliseconds(300));
  http_client impatient(unresponsive->port());

  auto started = std::chrono::steady_clock::now();
  auto reply = impatient.get(pods_path);
  auto waited = std::chrono::steady_clock::now() - started;
  expect_status_error(reply, 504, "Timeout");
  EXPECT_GE(waited, std::chrono::milliseconds(300));
  EXPECT_LT(waited, std::chrono::seconds(5));
  EXPECT_EQ(reply.json()["message"], "Timeout: request did not complete within the allowed duration");
  // A write that timed out may still land: the client is told so.
  auto write = impatient.post(pods_path, R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"late"},
      "spec":{"containers":[{"name":"c","image":"busybox"}]}})");
  expect_status_error(write, 504, "Timeout");
  EXPECT_NE(write.json()["message"].get<std::string>().find("may still be processing the request"), std::string::npos);
  EXPECT_EQ(impatient.get("/healthz").status, 200) << "the server still serves what needs no store";
  // ... but it is not ready for traffic (it said ready while every store call was a 504).
  EXPECT_EQ(impatient.get("/readyz").status, 503);
  EXPECT_EQ(client->get("/readyz").status, 200);
  unresponsive->stop();
}

// The server reads the log of a pod on another node from that node's agent, as the apiserver
// asks a kubelet: the agent's endpoint (pod_logs_only, the join token) answers from its own
// runtime, and serves nothing else.
TEST_F(api_server_test, another_nodes_pod_log_is_read_from_that_nodes_agent) {
  auto far_runtime = std::make_shared<podman::fake_runtime>();
  podman::container_spec spec;
  spec.name = "orkest_default_far-pod";
  spec.image = "busybox";
  auto created_container = far_runtime->create(spec);
  ASSERT_TRUE(std::holds_alternative<std::string>(created_container));
  const auto id = std::get<std::string>(created_container);

  api::server_settings agent_settings;
  agent_settings.port = 0;
  agent_settings.handler.bearer_token = "join-token";
  agent_settings.handler.pod_logs_only = true;
  api::log_source agent_logs;
  agent_logs.runtime = actors::spawn_runtime(system, far_runtime, 1, false);
  agent_logs.streaming = far_runtime;
  api::api_server agent{system, plane.store, agent_settings, agent_logs};
  agent.start();

  api::server_settings server_settings;
  server_settings.port = 0;
  api::log_source server_logs;
  server_logs.runtime = plane.runtime;
  server_logs.streaming = runtime;
  server_logs.node_name = "orkest";
  server_logs.node_token = "join-token";
  api::api_server server_with_nodes{system, plane.store, server_settings, server_logs};
  server_with_nodes.start();
  http_client api(server_with_nodes.port());

  json node = {{"apiVersion", "v1"},
               {"kind", "Node"},
               {"metadata", {{"name", "far"}}},
               {"status",
                {{"addresses", {{{"type", "InternalIP"}, {"address", "127.0.0.1"}}}},
                 {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", agent.port()}}}}}}}};
  ASSERT_EQ(api.post("/api/v1/nodes", node.dump()).status, 201);
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", "far-pod"}}},
              {"spec", {{"nodeName", "far"}, {"containers", {{{"name", "app"}, {"image", "busybox"}}}}}}};
  auto stored = api.post(pods_path, pod.dump());
  ASSERT_EQ(stored.status, 201) << stored.body;
  auto with_status = stored.json();
  with_status["status"]["containerStatuses"] = {
      {{"name", "app"}, {"containerID", "podman://" + id}, {"state", {{"running", json::object()}}}}};
  ASSERT_EQ(api.put(pods_path + "/far-pod/status", with_status.dump()).status, 200);

  auto log = api.get(pods_path + "/far-pod/log");
  EXPECT_EQ(log.status, 200) << log.body;
  EXPECT_EQ(log.body, "fake runtime: container orkest_default_far-pod has no output\n");
  EXPECT_EQ(api.get(pods_path + "/far-pod/log?limitBytes=4").body, "fake");

  // The agent's endpoint: its token, and pods' logs only.
  http_client direct(agent.port());
  EXPECT_EQ(direct.get(pods_path + "/far-pod/log").status, 401);
  const std::vector<std::pair<std::string, std::string>> token{{"Authorization", "Bearer join-token"}};
  EXPECT_EQ(direct.send({"GET", pods_path + "/far-pod/log", {}, {}, token}).status, 200);
  EXPECT_EQ(direct.send({"GET", "/api/v1/nodes", {}, {}, token}).status, 404);
  EXPECT_EQ(direct.send({"GET", pods_path + "/far-pod", {}, {}, token}).status, 404);

  // A node that serves no logs (no kubelet port) is a clear 400, not a hang.
  node = api.get("/api/v1/nodes/far").json();
  node["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"] = 0;
  ASSERT_EQ(api.put("/api/v1/nodes/far/status", node.dump()).status, 200);
  auto refused = api.get(pods_path + "/far-pod/log");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("node far serves no logs"), std::string::npos) << refused.body;

  server_with_nodes.stop();
  agent.stop();
  caf::anon_send_exit(agent_logs.runtime, caf::exit_reason::user_shutdown);
}

TEST_F(api_server_test, a_yaml_body_is_accepted) {
  const char* yaml = R"(apiVersion: v1
kind: Service
metadata:
  name: from-yaml
  labels:
    format: yaml
spec:
  selector:
    app: web
  ports:
  - port: 8080
)";
  auto reply = client->post(services_path, yaml, "application/yaml");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json()["metadata"]["labels"]["format"], "yaml");
  EXPECT_EQ(reply.json()["spec"]["ports"][0]["targetPort"], 8080);
}

TEST_F(api_server_test, the_users_example_requests_work_as_written) {
  // The ReplicaSet, with its trailing comma and shorthand selector and template labels, at the
  // URL the user wrote.
  auto rs = client->post(user_examples::replicaset_path, user_examples::replicaset);
  ASSERT_EQ(rs.status, 201) << rs.body;
  EXPECT_EQ(rs.json()["kind"], "ReplicaSet");
  EXPECT_EQ(rs.json()["spec"]["selector"]["matchLabels"], (json{{"name", "health"}}));

  // The Service POSTed to the pods collection.
  auto service = client->post(pods_path, user_examples::service);
  ASSERT_EQ(service.status, 201) << service.body;
  EXPECT_EQ(service.json()["kind"], "Service");
  EXPECT_NE(service.header("warning").find("/api/v1/namespaces/default/services"), std::string::npos)
      << "Warning: " << service.header("warning");
  EXPECT_EQ(client->get(services_path + "/health-service").status, 200);
  EXPECT_EQ(client->get(pods_path + "/health-service").status, 404);

  // The pod with env as a map.
  auto ping = client->post(pods_path, user_examples::pod);
  ASSERT_EQ(ping.status, 201) << ping.body;
  EXPECT_EQ(ping.json()["spec"]["containers"][0]["env"],
            (json{{{"name", "HEALTH_SERVICE"}, {"value", "health-service:2000"}}}));

  EXPECT_TRUE(eventually_running("app%3Dhealth", 3)) << "the Service's selector finds the 3 replicas";

  auto scaled = client->put(std::string(user_examples::replicaset_path) + "/health-replicaset",
                            user_examples::replicaset_scaled);
  ASSERT_EQ(scaled.status, 200) << scaled.body;
  EXPECT_EQ(scaled.json()["spec"]["replicas"], 5);

  EXPECT_TRUE(eventually_running("app%3Dhealth", 5)) << "2 more replicas appear";
  EXPECT_TRUE(eventually([&] {
    auto status = client->get(replicasets_path + "/health-replicaset").json()["status"];
    return status.value("replicas", 0) == 5 && status.value("readyReplicas", 0) == 5;
  })) << client->get(replicasets_path + "/health-replicaset").json()["status"];
  EXPECT_EQ(names_in(client->get(pods_path + "?labelSelector=name%3Dhealth").json()).size(), 5u)
      << "the ReplicaSet counts its own pods";
  EXPECT_TRUE(eventually([&] { return runtime->containers().size() == 6; })) << "5 replicas and ping";
}

// ---- many clients at once ----------------------------------------------------------------

constexpr int client_threads = 64;
constexpr auto stress_duration = std::chrono::seconds(3);
constexpr int counters = 4;
const std::string stress_path = "/api/v1/namespaces/stress/services";

// What one client was told succeeded; the final state must be exactly their sum.
struct client_log {
  struct write {
    std::string name;
    uint64_t version;
  };
  struct increment {
    std::string counter;
    uint64_t version;
    int value;
  };
  std::vector<write> writes;                    // successful creates, PUTs and PATCHes, in order
  std::map<std::string, json> surviving;        // name -> labels it must end with
  std::vector<increment> increments;            // successful counter increments
  std::vector<std::string> failures;            // anything but the expected answers
  int conflicts = 0;
  int requests = 0;
};

std::string counter_name(int i) { return "counter-" + std::to_string(i); }

class stress_client {
 public:
  stress_client(const http_client& http, int id, client_log& log) : http_(http), id_(id), log_(log) {}

  void run_until(std::chrono::steady_clock::time_point deadline) {
    try {
      for (int k = 0; std::chrono::steady_clock::now() < deadline; ++k) {
        lifecycle(k);
        increment(counter_name((id_ + k) % counters));
      }
    } catch (const std::exception& error) {
      log_.failures.push_back(error.what());
    }
  }

 private:
  // create, PUT, merge PATCH, and every third object DELETE.
  void lifecycle(int k) {
    auto name = "c" + std::to_string(id_) + "-" + std::to_string(k);
    json labels = {{"client", std::to_string(id_)}, {"step", "created"}};
    auto created = expect(http_.post(stress_path, service_manifest(name, labels).dump()), 201, "create " + name);
    if (created.is_null()) return;
    record(name, created);

    // Only controllers' status writes compete for this object: a few attempts always do.
    auto replaced = read_modify_write(name, created, [](json& object) { object["metadata"]["labels"]["step"] = "replaced"; },
                                      10);
    if (replaced.is_null()) {
      log_.failures.push_back("put " + name + ": not accepted in 10 attempts, with no other client writing it");
      return;
    }

    auto patched = expect(http_.patch(stress_path + "/" + name, R"({"metadata":{"labels":{"step":"patched"}}})",
                                      "application/merge-patch+json"),
                          200, "patch " + name);
    if (patched.is_null()) return;
    record(name, patched);

    if (k % 3 == 2) {
      expect(http_.del(stress_path + "/" + name), 200, "delete " + name);
      return;
    }
    labels["step"] = "patched";
    log_.surviving[name] = labels;
  }

  // One optimistic increment: if another client wins, this one counts a conflict and moves on.
  void increment(const std::string& counter) {
    auto stored = read_modify_write(counter, nullptr, [](json& object) {
      auto& count = object["metadata"]["annotations"]["count"];
      count = std::to_string(std::stoi(count.get<std::string>()) + 1);
    }, 1);
    if (stored.is_null()) return;
    log_.increments.push_back(
        {counter, version_of(stored), std::stoi(stored["metadata"]["annotations"]["count"].get<std::string>())});
  }

  // PUT of `change` applied to `current` (read first when null) with its resourceVersion;
  // on 409 the object is read again, at most `attempts` times in all. The stored object, or
  // null when every attempt conflicted or something else went wrong (then a failure is logged).
  json read_modify_write(const std::string& name, json current, const std::function<void(json&)>& change,
                         int attempts) {
    for (int attempt = 0; attempt < attempts; ++attempt) {
      if (current.is_null()) current = expect(http_.get(stress_path + "/" + name), 200, "get " + name);
      if (current.is_null()) return nullptr;
      change(current);
      ++log_.requests;
      auto reply = http_.put(stress_path + "/" + name, current.dump());
      if (reply.status == 200) {
        auto stored = reply.json();
        record(name, stored);
        return stored;
      }
      if (reply.status != 409) {
        log_.failures.push_back("put " + name + ": " + std::to_string(reply.status) + " " + reply.body);
        return nullptr;
      }
      ++log_.conflicts;
      current = nullptr;
    }
    return nullptr;
  }

  json expect(const http_reply& reply, int code, const std::string& what) {
    ++log_.requests;
    if (reply.status == code) return reply.json();
    log_.failures.push_back(what + ": " + std::to_string(reply.status) + " " + reply.body);
    return nullptr;
  }

  void record(const std::string& name, const json& object) { log_.writes.push_back({name, version_of(object)}); }

  const http_client& http_;
  int id_;
  client_log& log_;
};

TEST_F(api_server_test, sixty_four_parallel_clients_lose_nothing_and_duplicate_nothing) {
  created("/api/v1/namespaces", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "stress"}}}});
  for (int i = 0; i < counters; ++i) {
    auto counter = service_manifest(counter_name(i));
    counter["metadata"]["annotations"] = {{"count", "0"}};
    created(stress_path, counter);
  }

  std::vector<client_log> logs(client_threads);
  auto deadline = std::chrono::steady_clock::now() + stress_duration;
  std::vector<std::thread> threads;
  for (int id = 0; id < client_threads; ++id)
    threads.emplace_back([&, id] { stress_client(*client, id, logs[id]).run_until(deadline); });
  for (auto& thread : threads) thread.join();

  int requests = 0, conflicts = 0;
  std::map<std::string, json> surviving;
  std::map<std::string, std::vector<client_log::increment>> increments;
  std::vector<client_log::write> writes;
  for (const auto& log : logs) {
    for (const auto& failure : log.failures) ADD_FAILURE() << failure;
    requests += log.requests;
    conflicts += log.conflicts;
    surviving.insert(log.surviving.begin(), log.surviving.end());
    for (const auto& inc : log.increments) increments[inc.counter].push_back(inc);
    writes.insert(writes.end(), log.writes.begin(), log.writes.end());
    // One client's writes to one object happen one after another: their versions increase.
    std::map<std::string, uint64_t> last;
    for (const auto& w : log.writes) {
      EXPECT_GT(w.version, last[w.name]) << w.name;
      last[w.name] = w.version;
    }
  }
  std::cout << "[ stress   ] " << requests << " requests, " << writes.size() << " successful writes, " << conflicts
            << " conflicts, " << surviving.size() << " surviving objects\n";
  ASSERT_GT(requests, client_threads * 4) << "the clients barely ran";

  // Every successful write got its own resourceVersion.
  std::set<uint64_t> versions;
  for (const auto& w : writes) versions.insert(w.version);
  EXPECT_EQ(versions.size(), writes.size()) << "two writes reported the same resourceVersion";

  // The final state is exactly what the clients were told.
  auto list = client->get(stress_path).json();
  std::set<std::string> expected_names;
  for (const auto& [name, labels] : surviving) expected_names.insert(name);
  for (int i = 0; i < counters; ++i) expected_names.insert(counter_name(i));
  EXPECT_EQ(names_in(list), expected_names);
  EXPECT_EQ(list["items"].size(), expected_names.size()) << "duplicates in the list";
  EXPECT_GE(version_of(list), *versions.rbegin());

  for (const auto& item : list["items"]) {
    auto name = item["metadata"]["name"].get<std::string>();
    if (auto it = surviving.find(name); it != surviving.end()) {
      EXPECT_EQ(item["metadata"]["labels"], it->second) << name;
      continue;
    }
    // Counters: every successful increment counted once, in version order 1, 2, 3, ...
    auto& done = increments[name];
    std::sort(done.begin(), done.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
    EXPECT_EQ(item["metadata"]["annotations"]["count"], std::to_string(done.size())) << name;
    for (std::size_t i = 0; i < done.size(); ++i)
      EXPECT_EQ(done[i].value, static_cast<int>(i) + 1) << name << ": a lost or duplicated increment";
  }
}

}  // namespace
}  // namespace orkest::testing
