// The store actor as its clients see it: one message per operation, Kubernetes' rules for
// identity, versions and conflicts, and committed changes pushed to watchers (initial events,
// resuming from a resourceVersion, 410 Gone, filters, unwatch and dead listeners).

#include <caf/actor_cast.hpp>

#include "tests/actors/actor_test_support.hpp"
#include "tests/model/manifests.hpp"

namespace orkest::testing {
namespace {

using store::watch_request;

store::object_store_hooks fixed_hooks() {
  auto uids = std::make_shared<int>(0);
  auto suffixes = std::make_shared<int>(0);
  return {[] { return std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000)); },
          [uids] { return "uid-" + std::to_string(++*uids); },
          [suffixes] { return "x" + std::to_string(1000 + (*suffixes)++); }};
}

json pod_manifest(const std::string& name, json labels = json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"labels", std::move(labels)}}},
          {"spec", {{"containers", {{{"name", "app"}, {"image", "busybox:1.35"}}}}}}};
}

json service_manifest(const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", {{"name", name}}},
          {"spec", {{"selector", {{"app", name}}}, {"ports", {{{"port", 8000}, {"targetPort", 8080}}}}}}};
}

uint64_t version_of(const json& object) {
  return std::stoull(object["metadata"]["resourceVersion"].get<std::string>());
}

std::vector<std::string> names_in(const store_result& list_result) {
  std::vector<std::string> names;
  for (const auto& item : list_result.object["items"]) names.push_back(item["metadata"]["name"]);
  return names;
}

std::vector<std::string> describe(const std::vector<change_event>& events) {
  std::vector<std::string> out;
  for (const auto& event : events)
    out.push_back(std::string(store::to_string(event.type)) + " " + event.kind + " " +
                  event.object["metadata"]["name"].get<std::string>());
  return out;
}

class store_actor_test : public deterministic_actors {
 protected:
  void SetUp() override { start_store({}); }

  // Replaces the fixture's store with one using `settings`.
  void start_store(store::object_store_settings settings) {
    store = actors::spawn_store(system, settings, fixed_hooks());
    stop_at_end(store);
  }

  json created(const json& body, const std::string& ns = "default") {
    auto result = create(body, ns);
    EXPECT_TRUE(result.ok()) << result.error->message;
    return result.object;
  }
};

TEST_F(store_actor_test, create_assigns_identity_and_get_returns_the_stored_object) {
  auto pod = created(pod_manifest("web"));
  EXPECT_EQ(pod["metadata"]["uid"], "uid-1");
  EXPECT_EQ(pod["metadata"]["resourceVersion"], "1");
  EXPECT_EQ(pod["metadata"]["generation"], 1);
  EXPECT_EQ(pod["metadata"]["namespace"], "default");
  EXPECT_EQ(pod["metadata"]["creationTimestamp"], "2027-01-15T08:00:00Z");
  EXPECT_EQ(pod["status"]["phase"], "Pending");

  auto fetched = get("Pod", "web");
  ASSERT_TRUE(fetched.ok());
  EXPECT_EQ(fetched.object, pod);
}

TEST_F(store_actor_test, generate_name_gets_a_random_suffix) {
  auto body = pod_manifest("");
  body["metadata"].erase("name");
  body["metadata"]["generateName"] = "web-";
  EXPECT_EQ(created(body)["metadata"]["name"], "web-x1000");
}

TEST_F(store_actor_test, resource_versions_come_from_one_counter_across_kinds_and_namespaces) {
  EXPECT_EQ(version_of(created(pod_manifest("a"))), 1u);
  EXPECT_EQ(version_of(created(service_manifest("b"))), 2u);
  EXPECT_EQ(version_of(created(replicaset_manifest("c", 1), "other")), 3u);
  EXPECT_EQ(list("Pod").object["metadata"]["resourceVersion"], "3");
}

TEST_F(store_actor_test, creating_an_existing_name_is_already_exists) {
  created(pod_manifest("web"));
  auto again = create(pod_manifest("web"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error->code, 409);
  EXPECT_EQ(again.error->reason, "AlreadyExists");
  // Same name in another namespace is another object.
  EXPECT_TRUE(create(pod_manifest("web"), "other").ok());
}

TEST_F(store_actor_test, get_of_a_missing_object_is_not_found) {
  auto missing = get("Pod", "nobody");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error->code, 404);
  EXPECT_EQ(missing.error->reason, "NotFound");
}

TEST_F(store_actor_test, list_filters_by_namespace_and_every_label_selector_operator) {
  created(pod_manifest("web", {{"app", "web"}, {"tier", "front"}}));
  created(pod_manifest("db", {{"app", "db"}, {"tier", "back"}}));
  created(pod_manifest("cache", {{"app", "cache"}}));
  created(pod_manifest("elsewhere", {{"app", "web"}}), "other");

  struct expectation {
    std::string selector;
    std::vector<std::string> names;  // in the store's (name) order
  };
  const std::vector<expectation> cases = {
      {"", {"cache", "db", "web"}},
      {"app=web", {"web"}},
      {"app==web", {"web"}},
      {"app!=web", {"cache", "db"}},
      {"app in (web,db)", {"db", "web"}},
      {"app notin (web,db)", {"cache"}},
      {"tier", {"db", "web"}},
      {"!tier", {"cache"}},
      {"tier,app!=db", {"web"}},
  };
  for (const auto& c : cases) {
    auto result = list("Pod", c.selector);
    ASSERT_TRUE(result.ok()) << c.selector << ": " << result.error->message;
    EXPECT_EQ(result.object["kind"], "PodList");
    EXPECT_EQ(names_in(result), c.names) << "selector \"" << c.selector << "\"";
  }
  EXPECT_EQ(names_in(list("Pod", "", "")), (std::vector<std::string>{"cache", "db", "web", "elsewhere"}))
      << "an empty namespace lists all namespaces";

  auto malformed = list("Pod", "app in (web");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error->code, 400);
}

TEST_F(store_actor_test, update_with_a_stale_resource_version_is_a_conflict) {
  auto first = created(replicaset_manifest("web", 1));
  auto scaled = first;
  scaled["spec"]["replicas"] = 2;
  auto updated = update(scaled);
  ASSERT_TRUE(updated.ok()) << updated.error->message;
  EXPECT_GT(version_of(updated.object), version_of(first));

  auto stale = first;  // still carries resourceVersion 1
  stale["spec"]["replicas"] = 3;
  auto conflict = update(stale);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error->code, 409);
  EXPECT_EQ(conflict.error->reason, "Conflict");
  EXPECT_EQ(get("ReplicaSet", "web").object["spec"]["replicas"], 2) << "the stale write changed nothing";

  auto unconditional = stale;
  unconditional["metadata"].erase("resourceVersion");
  EXPECT_TRUE(update(unconditional).ok()) << "without a resourceVersion a PUT is unconditional";
}

TEST_F(store_actor_test, update_of_a_missing_object_is_not_found) {
  auto result = update(replicaset_manifest("ghost", 1));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->code, 404);
}

TEST_F(store_actor_test, generation_counts_spec_changes_only) {
  auto rs = created(replicaset_manifest("web", 1));
  rs["metadata"]["labels"] = {{"team", "a"}};
  rs = update(rs).object;
  EXPECT_EQ(rs["metadata"]["generation"], 1) << "a metadata change is not a new generation";

  rs["spec"]["replicas"] = 4;
  rs = update(rs).object;
  EXPECT_EQ(rs["metadata"]["generation"], 2);
}

TEST_F(store_actor_test, status_and_spec_have_separate_write_paths) {
  auto rs = created(replicaset_manifest("web", 1));

  auto with_status = rs;
  with_status["status"] = {{"replicas", 1}, {"readyReplicas", 1}};
  with_status["spec"]["replicas"] = 7;  // ignored by the status path
  auto status_written = update_status(with_status);
  ASSERT_TRUE(status_written.ok()) << status_written.error->message;
  EXPECT_EQ(status_written.object["status"]["readyReplicas"], 1);
  EXPECT_EQ(status_written.object["spec"]["replicas"], 1);
  EXPECT_EQ(status_written.object["metadata"]["generation"], 1);

  auto spec_update = status_written.object;
  spec_update["spec"]["replicas"] = 3;
  spec_update["status"] = {{"replicas", 99}};  // ignored by the spec path
  auto spec_written = update(spec_update);
  ASSERT_TRUE(spec_written.ok()) << spec_written.error->message;
  EXPECT_EQ(spec_written.object["spec"]["replicas"], 3);
  EXPECT_EQ(spec_written.object["status"]["readyReplicas"], 1);
  EXPECT_EQ(spec_written.object["status"]["replicas"], 1);
}

TEST_F(store_actor_test, deleting_a_replicaset_answers_a_status_and_the_object_is_gone) {
  created(replicaset_manifest("web", 1));
  auto deleted = remove("ReplicaSet", "web");
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted.object["kind"], "Status");
  EXPECT_EQ(deleted.object["status"], "Success");
  EXPECT_EQ(deleted.object["details"]["name"], "web");
  EXPECT_EQ(get("ReplicaSet", "web").error->code, 404);
  EXPECT_EQ(remove("ReplicaSet", "web").error->code, 404);
}

TEST_F(store_actor_test, a_pod_is_marked_terminating_first_and_removed_by_a_delete_with_grace_zero) {
  created(pod_manifest("web"));
  ASSERT_TRUE(ask(actors::bind_atom::value, object_key{"Pod", "default", "web"}, json{{"target", {{"name", "n1"}}}}).ok());
  auto marked = remove("Pod", "web");
  ASSERT_TRUE(marked.ok());
  EXPECT_TRUE(marked.object["metadata"].contains("deletionTimestamp"));
  EXPECT_TRUE(get("Pod", "web").ok()) << "still there while its container stops";

  store::delete_options now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(remove("Pod", "web", "default", now).ok());
  EXPECT_EQ(get("Pod", "web").error->code, 404);
}

TEST_F(store_actor_test, watchers_see_every_committed_change_in_order) {
  auto recorder = spawn_recorder();
  auto watching = watch(recorder, {"ReplicaSet", "", "", "", std::nullopt, false});
  ASSERT_TRUE(watching.ok());
  EXPECT_EQ(watching.object["resourceVersion"], "0");

  auto rs = created(replicaset_manifest("web", 1));
  rs["spec"]["replicas"] = 2;
  update(rs);
  created(pod_manifest("not-a-replicaset"));
  remove("ReplicaSet", "web");

  EXPECT_EQ(describe(*recorder.events), (std::vector<std::string>{"ADDED ReplicaSet web", "MODIFIED ReplicaSet web",
                                                                  "DELETED ReplicaSet web"}));
  const auto& events = *recorder.events;
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].resource_version, 1u);
  EXPECT_EQ(events[1].resource_version, 2u);
  EXPECT_EQ(events[1].object["spec"]["replicas"], 2);
  EXPECT_EQ(events[2].resource_version, 4u);
  EXPECT_EQ(version_of(events[2].object), 4u) << "a deleted object carries the deletion's version";
}

TEST_F(store_actor_test, a_no_op_write_publishes_nothing) {
  auto recorder = spawn_recorder();
  auto rs = created(replicaset_manifest("web", 1));
  watch(recorder, {"ReplicaSet", "", "", "", std::nullopt, false});
  auto unchanged = update(rs);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged.object["metadata"]["resourceVersion"], rs["metadata"]["resourceVersion"]);
  EXPECT_TRUE(recorder.events->empty());
}

TEST_F(store_actor_test, send_initial_events_replays_existing_objects_before_later_changes) {
  created(pod_manifest("a"));
  created(pod_manifest("b"), "other");
  created(service_manifest("not-a-pod"));

  auto recorder = spawn_recorder();
  auto watching = watch(recorder, {"Pod", "", "", "", std::nullopt, true});
  ASSERT_TRUE(watching.ok());
  EXPECT_EQ(watching.object["resourceVersion"], "3");
  created(pod_manifest("c"));

  EXPECT_EQ(describe(*recorder.events),
            (std::vector<std::string>{"ADDED Pod a", "ADDED Pod b", "ADDED Pod c"}));
}

TEST_F(store_actor_test, a_watch_resumes_after_a_resource_version_with_the_changes_it_missed) {
  auto a = created(pod_manifest("a"));  // 1
  created(service_manifest("svc"));    // 2, another kind
  a["metadata"]["labels"] = {{"seen", "later"}};
  update(a);                            // 3
  created(pod_manifest("b"));           // 4

  auto recorder = spawn_recorder();
  ASSERT_TRUE(watch(recorder, {"Pod", "", "", "", uint64_t{1}, false}).ok());
  created(pod_manifest("c"));           // 5

  EXPECT_EQ(describe(*recorder.events),
            (std::vector<std::string>{"MODIFIED Pod a", "ADDED Pod b", "ADDED Pod c"}));
  std::vector<uint64_t> versions;
  for (const auto& event : *recorder.events) versions.push_back(event.resource_version);
  EXPECT_EQ(versions, (std::vector<uint64_t>{3, 4, 5}));
}

TEST_F(store_actor_test, a_watch_from_a_compacted_resource_version_is_gone) {
  store::object_store_settings small_history;
  small_history.history_limit = 2;
  start_store(small_history);
  for (const char* name : {"a", "b", "c", "d"}) created(pod_manifest(name));  // keeps 3 and 4

  auto recorder = spawn_recorder();
  auto expired = watch(recorder, {"Pod", "", "", "", uint64_t{1}, false});
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error->code, 410);
  EXPECT_NE(expired.error->message.find("too old resource version"), std::string::npos) << expired.error->message;

  auto kept = watch(recorder, {"Pod", "", "", "", uint64_t{2}, false});
  ASSERT_TRUE(kept.ok()) << kept.error->message;
  EXPECT_EQ(describe(*recorder.events), (std::vector<std::string>{"ADDED Pod c", "ADDED Pod d"}));
}

TEST_F(store_actor_test, a_label_filtered_watch_sees_only_matching_objects) {
  created(pod_manifest("old-web", {{"app", "web"}}));
  created(pod_manifest("old-db", {{"app", "db"}}));

  auto recorder = spawn_recorder();
  ASSERT_TRUE(watch(recorder, {"Pod", "", "app=web", "", std::nullopt, true}).ok());
  created(pod_manifest("new-web", {{"app", "web"}}));
  created(pod_manifest("new-db", {{"app", "db"}}));
  created(pod_manifest("unlabeled"));

  EXPECT_EQ(describe(*recorder.events), (std::vector<std::string>{"ADDED Pod old-web", "ADDED Pod new-web"}));
}

TEST_F(store_actor_test, a_namespaced_watch_sees_only_its_namespace) {
  auto recorder = spawn_recorder();
  ASSERT_TRUE(watch(recorder, {"Pod", "team-a", "", "", std::nullopt, false}).ok());
  created(pod_manifest("mine"), "team-a");
  created(pod_manifest("theirs"), "team-b");
  EXPECT_EQ(describe(*recorder.events), (std::vector<std::string>{"ADDED Pod mine"}));
}

TEST_F(store_actor_test, a_watch_with_a_malformed_selector_is_a_bad_request) {
  auto recorder = spawn_recorder();
  auto labels = watch(recorder, {"Pod", "", "app in (", "", std::nullopt, false});
  ASSERT_FALSE(labels.ok());
  EXPECT_EQ(labels.error->code, 400);
  auto fields = watch(recorder, {"Pod", "", "", "metadata.name", std::nullopt, false});
  ASSERT_FALSE(fields.ok());
  EXPECT_EQ(fields.error->code, 400);
  created(pod_manifest("web"));
  EXPECT_TRUE(recorder.events->empty()) << "a refused watch subscribes nothing";
}

// The store holds a strong handle to each listener: once it lets go and the test drops its
// own, nothing keeps the listener alive. A weak address tells which happened.
bool still_referenced(const caf::actor_addr& address) { return caf::actor_cast<caf::actor>(address) != nullptr; }

TEST_F(store_actor_test, unwatch_stops_the_events_and_releases_the_listener) {
  event_recorder recorder;
  recorder.handle = system.spawn([sink = recorder.events](change_listener::pointer) -> change_listener::behavior_type {
    return {[sink](const change_event& event) { sink->push_back(event); }};
  });
  auto address = recorder.handle.address();
  ASSERT_TRUE(watch(recorder, {"Pod", "", "", "", std::nullopt, false}).ok());
  created(pod_manifest("before"));

  self->send(store, actors::unwatch_atom::value, recorder.handle);
  run();
  created(pod_manifest("after"));
  EXPECT_EQ(describe(*recorder.events), (std::vector<std::string>{"ADDED Pod before"}));

  recorder.handle = nullptr;
  run();
  EXPECT_FALSE(still_referenced(address)) << "the store kept the listener after unwatch";
}

TEST_F(store_actor_test, a_listener_that_dies_is_dropped) {
  event_recorder recorder;
  recorder.handle = system.spawn([sink = recorder.events](change_listener::pointer) -> change_listener::behavior_type {
    return {[sink](const change_event& event) { sink->push_back(event); }};
  });
  auto address = recorder.handle.address();
  ASSERT_TRUE(watch(recorder, {"Pod", "", "", "", std::nullopt, false}).ok());
  recorder.handle = nullptr;
  run();
  ASSERT_TRUE(still_referenced(address)) << "while watching, the store holds the listener";

  caf::anon_send_exit(caf::actor_cast<caf::actor>(address), caf::exit_reason::kill);
  run();
  EXPECT_FALSE(still_referenced(address)) << "the store kept a dead listener";
  EXPECT_TRUE(create(pod_manifest("web")).ok()) << "the store carries on without it";
}

// The controllers rely on this: a writer that also watches sees its own change before the
// reply to its write, so it never acts on a reply while blind to what the reply reports.
TEST_F(store_actor_test, a_watching_writer_sees_its_change_before_the_reply) {
  auto log = std::make_shared<std::vector<std::string>>();
  auto writer = system.spawn([log, store = store](caf::event_based_actor* me) -> caf::behavior {
    me->request(store, caf::infinite, actors::watch_atom::value, watch_request{"Pod", "", "", "", std::nullopt, false},
                caf::actor_cast<change_listener>(me))
        .then([=](const store_result&) {
          me->request(store, caf::infinite, actors::create_atom::value, std::string{"Pod"}, std::string{"default"},
                      pod_manifest("mine"))
              .then([=](const store_result& result) { log->push_back(result.ok() ? "reply" : "error"); });
        });
    return {[=](const change_event& event) { log->push_back(store::to_string(event.type)); }};
  });
  stop_at_end(writer);
  run();
  EXPECT_EQ(*log, (std::vector<std::string>{"ADDED", "reply"}));
}

// A backend that groups fsyncs as sqlite_backend with sync: full does: a commit is durable only
// once sync() has run after it. It counts the syncs and knows what they made durable.
class group_commit_backend : public store::memory_backend {
 public:
  group_commit_backend() : memory_backend(4096, 64 << 20) {}
  bool needs_sync() const override { return true; }
  bool sync() override {
    ++syncs;
    if (refuse) return false;
    durable_through = revision();
    return true;
  }
  int syncs = 0;
  uint64_t durable_through = 0;
  bool refuse = false;
};

class store_actor_group_commit_test : public deterministic_actors {
 protected:
  void SetUp() override {
    store = actors::spawn_store(system, {}, fixed_hooks(), backend, false);
    stop_at_end(store);
  }
  // Sends `count` pod creations at once, as parallel clients would, and takes their replies.
  std::vector<store_result> create_pods_at_once(int count, const std::string& prefix) {
    for (int i = 0; i < count; ++i)
      send_to_store(actors::create_atom::value, std::string("Pod"), std::string("default"),
                    pod_manifest(prefix + std::to_string(i)));
    run();
    return take_replies(static_cast<std::size_t>(count));
  }
  std::shared_ptr<group_commit_backend> backend = std::make_shared<group_commit_backend>();
};

TEST_F(store_actor_group_commit_test, writes_that_arrive_together_share_a_sync_and_nothing_is_seen_before_it) {
  // A watcher that notes any change it is told of before that change was durable.
  auto early = std::make_shared<int>(0);
  auto seen = std::make_shared<std::vector<uint64_t>>();
  auto listener = system.spawn([backend = backend, early, seen](change_listener::pointer) -> change_listener::behavior_type {
    return {[=](const change_event& event) {
      if (event.resource_version > backend->durable_through) ++*early;
      seen->push_back(event.resource_version);
    }};
  });
  stop_at_end(listener);
  ASSERT_TRUE(ask(actors::watch_atom::value, watch_request{"Pod", "", "", "", std::nullopt, false}, listener).ok());

  auto replies = create_pods_at_once(8, "p");
  for (const auto& reply : replies) EXPECT_TRUE(reply.ok()) << reply.error->message;
  EXPECT_EQ(backend->durable_through, 8u);
  EXPECT_LT(backend->syncs, 8) << "each write synced alone";
  EXPECT_GE(backend->syncs, 1);
  EXPECT_EQ(*early, 0) << "a watcher saw a change before it was durable";
  EXPECT_EQ(*seen, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8})) << "every change once, in order";
}

TEST_F(store_actor_group_commit_test, a_sync_the_disk_refuses_fails_its_writes_with_a_500) {
  backend->refuse = true;
  auto replies = create_pods_at_once(3, "q");
  for (const auto& reply : replies) {
    ASSERT_FALSE(reply.ok());
    EXPECT_EQ(reply.error->code, 500);
    EXPECT_NE(reply.error->message.find("could not be made durable"), std::string::npos) << reply.error->message;
  }
  backend->refuse = false;  // the disk is back
  replies = create_pods_at_once(1, "r");
  EXPECT_TRUE(replies[0].ok());
}

TEST_F(store_actor_group_commit_test, a_watch_started_while_writes_wait_for_their_sync_gets_each_change_once) {
  // The writes are committed (and listed) before they are durable: a watch with initial events
  // started in between gets them from the listing, and not again when their sync completes.
  send_to_store(actors::create_atom::value, std::string("Pod"), std::string("default"), pod_manifest("a"));
  auto recorder = spawn_recorder();
  self->send(store, actors::watch_atom::value, watch_request{"Pod", "", "", "", std::nullopt, true}, recorder.handle);
  run();
  take_replies(1);
  self->receive([](const store_result&) {}, caf::after(std::chrono::seconds(0)) >> [] {});
  EXPECT_EQ(describe(*recorder.events), (std::vector<std::string>{"ADDED Pod a"}));
}

}  // namespace
}  // namespace orkest::testing
