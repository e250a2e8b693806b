// The store actor's interface over HTTP (actors/remote_store, client/api_client) against the real
// API server in front of a real control plane (fake runtime): every request gives what the
// store gives, errors arrive as the server's Status, and a watch is an informer that lists,
// follows, and watches again from where it was when the server ends a watch.

#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <mutex>

#include "actors/control_plane.hpp"
#include "actors/remote_store.hpp"
#include "api/api_server.hpp"
#include "client/api_client.hpp"
#include "podman/fake_runtime.hpp"
#include "tests/api/http_client.hpp"
#include "tests/api/quiet_config.hpp"

namespace orkest::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Another scheduler's pod: this control plane's scheduler leaves it for the test to bind.
json pod_manifest(const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"labels", {{"app", "web"}}}}},
          {"spec", {{"schedulerName", "elsewhere"}, {"containers", {{{"name", "app"}, {"image", "busybox:1.35"}}}}}}};
}

// What a listener was sent, safe to read from the test's thread.
struct received_events {
  std::mutex mutex;
  std::vector<store::change_event> events;

  std::vector<std::string> names_of(store::change_type type) {
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<std::string> names;
    for (const auto& event : events)
      if (event.type == type) names.push_back(event.object["metadata"]["name"].get<std::string>());
    return names;
  }
};

class remote_store_test : public ::testing::Test {
 protected:
  quiet_config config;
  caf::actor_system system{config};
  std::shared_ptr<podman::fake_runtime> runtime = std::make_shared<podman::fake_runtime>();
  actors::control_plane plane;
  std::unique_ptr<api::api_server> server;
  actors::store_actor remote;
  uint16_t port = 0;

  void SetUp() override {
    actors::control_plane_settings settings;
    settings.runtime_workers = 2;
    settings.threaded_runtime = false;
    settings.store.node_name = "server";
    plane = actors::start_control_plane(system, runtime, settings);
    start_server(0);
    remote = actors::spawn_remote_store(system, {"http://127.0.0.1:" + std::to_string(port), "", 5s, ""});
  }

  void TearDown() override {
    caf::anon_send_exit(remote, caf::exit_reason::user_shutdown);
    if (server) server->stop();
    plane.shutdown();
  }

  void start_server(uint16_t on_port) {
    api::server_settings settings;
    settings.port = on_port;
    settings.threads = 2;
    settings.request_timeout = 5s;
    // Watches end every 2 s: the informer watches again from where it was.
    settings.watch_timeout = 2s;
    server = std::make_unique<api::api_server>(system, plane.store, settings);
    server->start();
    port = server->port();
  }

  template <class... Ts>
  store::store_result ask(Ts&&... xs) {
    caf::scoped_actor self{system};
    store::store_result result = store::store_result::failure(model::internal_error("no answer"));
    self->request(remote, 10s, std::forward<Ts>(xs)...)
        .receive([&](store::store_result& reply) { result = std::move(reply); }, [](const caf::error&) {});
    return result;
  }

  actors::change_listener listen(const std::shared_ptr<received_events>& into) {
    return system.spawn([into](actors::change_listener::pointer) -> actors::change_listener::behavior_type {
      return {[into](const store::change_event& event) {
        std::lock_guard<std::mutex> lock(into->mutex);
        into->events.push_back(event);
      }};
    });
  }
};

TEST_F(remote_store_test, every_request_gives_what_the_store_gives) {
  auto created = ask(actors::create_atom::value, std::string{"Pod"}, std::string{"default"}, pod_manifest("web"));
  ASSERT_TRUE(created.ok()) << created.error->message;
  EXPECT_EQ(created.object["metadata"]["namespace"], "default");
  const store::object_key key{"Pod", "default", "web"};
  EXPECT_EQ(ask(actors::get_atom::value, key).object["metadata"]["uid"], created.object["metadata"]["uid"]);
  auto listed = ask(actors::list_atom::value, store::list_request{"Pod", "default", "app=web", "metadata.name=web"});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed.object["items"].size(), 1u);

  auto patched = ask(actors::patch_atom::value, key,
                     store::patch_request{store::patch_type::strategic_merge, {{"metadata", {{"labels", {{"tier", "front"}}}}}}, false});
  ASSERT_TRUE(patched.ok()) << patched.error->message;
  EXPECT_EQ(patched.object["metadata"]["labels"]["tier"], "front");
  auto status = ask(actors::status_atom::value, key, json{{"status", {{"phase", "Pending"}, {"message", "from afar"}}}});
  ASSERT_TRUE(status.ok()) << status.error->message;
  EXPECT_EQ(status.object["status"]["message"], "from afar");

  auto bound = ask(actors::bind_atom::value, key, json{{"target", {{"kind", "Node"}, {"name", "elsewhere"}}}});
  ASSERT_TRUE(bound.ok()) << bound.error->message;
  auto twice = ask(actors::bind_atom::value, key, json{{"target", {{"name", "elsewhere"}}}});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error->code, 409);
  EXPECT_EQ(twice.error->reason, "Conflict");

  store::delete_options now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(ask(actors::delete_atom::value, key, now).ok());
  auto gone = ask(actors::get_atom::value, key);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error->code, 404);
  EXPECT_EQ(gone.error->reason, "NotFound");
  EXPECT_EQ(gone.error->message, "pods \"web\" not found");

  auto invalid = ask(actors::create_atom::value, std::string{"Pod"}, std::string{"default"},
                     json{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "x"}}}, {"spec", json::object()}});
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error->code, 422);
  ASSERT_FALSE(invalid.error->causes.empty());
  EXPECT_EQ(invalid.error->causes[0].field, "spec.containers");
}

TEST_F(remote_store_test, a_watch_lists_follows_and_watches_again_from_where_it_was) {
  ASSERT_TRUE(ask(actors::create_atom::value, std::string{"Pod"}, std::string{"default"}, pod_manifest("before")).ok());
  auto events = std::make_shared<received_events>();
  auto listener = listen(events);
  auto watching = ask(actors::watch_atom::value, store::watch_request{"Pod", "default", "", "", std::nullopt, true}, listener);
  ASSERT_TRUE(watching.ok()) << watching.error->message;
  // Sent before the answer (the listener, on another thread, may take a moment to read it).
  EXPECT_TRUE(eventually([&] { return events->names_of(store::change_type::added) == std::vector<std::string>{"before"}; }, 5s));

  // The server ends each watch after 2 s; the changes made across several of them arrive once
  // each, in order.
  std::vector<std::string> expected = {"before"};
  for (int i = 0; i < 5; ++i) {
    const auto name = "pod-" + std::to_string(i);
    ASSERT_TRUE(ask(actors::create_atom::value, std::string{"Pod"}, std::string{"default"}, pod_manifest(name)).ok());
    expected.push_back(name);
    std::this_thread::sleep_for(900ms);
  }
  store::delete_options now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(ask(actors::delete_atom::value, store::object_key{"Pod", "default", "before"}, now).ok());
  EXPECT_TRUE(eventually([&] { return !events->names_of(store::change_type::deleted).empty(); }, 10s));
  EXPECT_EQ(events->names_of(store::change_type::added), expected);
  EXPECT_EQ(events->names_of(store::change_type::deleted), std::vector<std::string>{"before"});
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
}

TEST(api_client, paths_are_the_servers) {
  EXPECT_EQ(client::resource_path("Pod", "default", "web", "status"), "/api/v1/namespaces/default/pods/web/status");
  EXPECT_EQ(client::resource_path("ReplicaSet", "team"), "/apis/apps/v1/namespaces/team/replicasets");
  EXPECT_EQ(client::resource_path("Node", "", "n1"), "/api/v1/nodes/n1");
  EXPECT_EQ(client::resource_path("Lease", "kube-node-lease", "n1"), "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1");
  EXPECT_EQ(client::resource_path("Widget", "default"), "");
}

TEST(api_client, an_unreachable_server_is_a_503_naming_it) {
  client::api_client client({"http://127.0.0.1:1", "", 2s, ""});
  auto result = client.get({"Pod", "default", "web"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->code, 503);
  EXPECT_NE(result.error->message.find("cannot reach the API server at http://127.0.0.1:1"), std::string::npos)
      << result.error->message;
}

}  // namespace
}  // namespace orkest::testing
