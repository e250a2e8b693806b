// The SQLite storage backend (store/sqlite_backend.cpp) on real database files in a temporary
// folder: revisions, compare-and-swap, replay, compaction, what a reopened database holds, and
// the files it refuses. Then an object store over it, closed and opened again.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "store/object_store.hpp"
#include "store/sqlite_backend.hpp"

namespace orkest::testing {
namespace {

using nlohmann::json;
using store::change_event;
using store::change_type;
using store::sqlite_backend;
using store::sqlite_options;

class sqlite_backend_test : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/orkest-sqlite-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    folder = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(folder); }

  sqlite_options options() {
    sqlite_options o;
    o.path = folder + "/data/orkest.db";
    o.now = [this] { return clock; };
    return o;
  }

  std::unique_ptr<sqlite_backend> open() {
    auto opened = sqlite_backend::open(options());
    if (auto* error = std::get_if<std::string>(&opened)) {
      ADD_FAILURE() << *error;
      return nullptr;
    }
    return std::move(std::get<std::unique_ptr<sqlite_backend>>(opened));
  }

  std::string open_error() {
    auto opened = sqlite_backend::open(options());
    auto* error = std::get_if<std::string>(&opened);
    return error ? *error : "";
  }

  // Commits the next change of `key` ("Pod/default/web"), expecting `expected` as its last revision.
  bool commit(sqlite_backend& backend, const std::string& key, uint64_t expected, change_type type, json object) {
    auto kind = key.substr(0, key.find('/'));
    return backend.commit(key, expected, change_event{type, kind, std::move(object), backend.revision() + 1}, 0);
  }

  std::string folder;
  std::chrono::system_clock::time_point clock{std::chrono::seconds(1'800'000'000)};
};

TEST_F(sqlite_backend_test, revisions_grow_and_writes_are_compare_and_swap_on_the_keys_last_revision) {
  auto backend = open();
  ASSERT_TRUE(backend);
  EXPECT_EQ(backend->revision(), 0u);
  EXPECT_TRUE(commit(*backend, "Pod/default/web", 0, change_type::added, {{"v", 1}}));
  EXPECT_EQ(backend->revision(), 1u);
  EXPECT_FALSE(commit(*backend, "Pod/default/web", 0, change_type::added, {{"v", 2}})) << "exists already";
  EXPECT_FALSE(commit(*backend, "Pod/default/web", 7, change_type::modified, {{"v", 2}})) << "stale revision";
  EXPECT_TRUE(commit(*backend, "Pod/default/web", 1, change_type::modified, {{"v", 2}}));
  EXPECT_TRUE(commit(*backend, "Pod/default/web", 2, change_type::deleted, {{"v", 2}}));
  EXPECT_TRUE(commit(*backend, "Pod/default/web", 0, change_type::added, {{"v", 3}})) << "a deleted key is free";
  EXPECT_EQ(backend->revision(), 4u);
  // A change must carry the revision it gets.
  EXPECT_FALSE(backend->commit("Pod/default/db", 0, change_event{change_type::added, "Pod", json::object(), 9}, 0));
  EXPECT_EQ(backend->revision(), 4u);
}

TEST_F(sqlite_backend_test, a_reopened_database_holds_each_live_keys_newest_object_and_continues_its_revisions) {
  {
    auto backend = open();
    ASSERT_TRUE(commit(*backend, "Pod/default/web", 0, change_type::added, {{"v", 1}}));
    ASSERT_TRUE(commit(*backend, "Service/default/web", 0, change_type::added, {{"s", 1}}));
    ASSERT_TRUE(commit(*backend, "Pod/default/web", 1, change_type::modified, {{"v", 2}}));
    ASSERT_TRUE(commit(*backend, "Pod/default/gone", 0, change_type::added, {{"v", 1}}));
    ASSERT_TRUE(commit(*backend, "Pod/default/gone", 4, change_type::deleted, {{"v", 1}}));
  }
  auto backend = open();
  ASSERT_TRUE(backend);
  EXPECT_EQ(backend->revision(), 5u);
  auto objects = backend->stored_objects();
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].kind, "Service");
  EXPECT_EQ(objects[0].object, json({{"s", 1}}));
  EXPECT_EQ(objects[1].kind, "Pod");
  EXPECT_EQ(objects[1].object, json({{"v", 2}}));
  EXPECT_EQ(objects[1].resource_version, 3u);
  EXPECT_EQ(objects[1].type, change_type::added);
  EXPECT_TRUE(commit(*backend, "Pod/default/web", 3, change_type::modified, {{"v", 3}}));
  EXPECT_EQ(backend->revision(), 6u);
}

TEST_F(sqlite_backend_test, changes_replay_by_kind_until_compacted_and_compaction_keeps_live_objects) {
  auto backend = open();
  ASSERT_TRUE(commit(*backend, "Pod/default/web", 0, change_type::added, {{"v", 1}}));
  ASSERT_TRUE(commit(*backend, "Service/default/web", 0, change_type::added, {{"s", 1}}));
  ASSERT_TRUE(commit(*backend, "Pod/default/web", 1, change_type::modified, {{"v", 2}}));
  ASSERT_TRUE(commit(*backend, "Pod/default/old", 0, change_type::added, {{"v", 1}}));
  ASSERT_TRUE(commit(*backend, "Pod/default/old", 4, change_type::deleted, {{"v", 1}}));
  auto pods = backend->changes_since(1, "Pod");
  ASSERT_TRUE(pods);
  ASSERT_EQ(pods->size(), 3u);
  EXPECT_EQ((*pods)[0].resource_version, 3u);
  EXPECT_EQ((*pods)[2].type, change_type::deleted);

  clock += std::chrono::seconds(301);  // past the 300 s history window
  ASSERT_TRUE(commit(*backend, "Pod/default/new", 0, change_type::added, {{"v", 1}}));  // compacts
  EXPECT_EQ(backend->compacted_revision(), 5u);
  EXPECT_FALSE(backend->changes_since(1, "Pod")) << "410: relist";
  auto recent = backend->changes_since(5, "Pod");
  ASSERT_TRUE(recent);
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].resource_version, 6u);

  backend.reset();
  backend = open();
  EXPECT_EQ(backend->compacted_revision(), 5u);
  std::set<json> kept;
  for (const auto& change : backend->stored_objects()) kept.insert(change.object);
  EXPECT_EQ(kept, (std::set<json>{{{"v", 2}}, {{"s", 1}}, {{"v", 1}}}));
  EXPECT_EQ(backend->stored_objects().size(), 3u);
  EXPECT_EQ(backend->revision(), 6u) << "the newest revision survives compaction";
}

TEST_F(sqlite_backend_test, a_snapshot_of_an_open_database_restores_what_was_committed_before_it) {
  auto backend = open();
  ASSERT_TRUE(commit(*backend, "Pod/default/web", 0, change_type::added, {{"v", 1}}));
  ASSERT_TRUE(commit(*backend, "Pod/default/db", 0, change_type::added, {{"v", 1}}));
  const std::string snapshot = folder + "/snapshot.db";
  EXPECT_EQ(sqlite_backend::save_snapshot(folder + "/data/orkest.db", snapshot), std::nullopt);
  ASSERT_TRUE(commit(*backend, "Pod/default/later", 0, change_type::added, {{"v", 1}}));  // after the snapshot
  EXPECT_FALSE(std::filesystem::exists(snapshot + ".partial"));

  auto restore = options();
  restore.path = snapshot;
  auto opened = sqlite_backend::open(restore);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<sqlite_backend>>(opened));
  auto& restored = *std::get<std::unique_ptr<sqlite_backend>>(opened);
  EXPECT_EQ(restored.revision(), 2u);
  EXPECT_EQ(restored.stored_objects().size(), 2u);

  auto missing = sqlite_backend::save_snapshot(folder + "/nowhere.db", folder + "/x.db");
  ASSERT_TRUE(missing);
  EXPECT_NE(missing->find(folder + "/nowhere.db"), std::string::npos) << *missing;
  EXPECT_FALSE(std::filesystem::exists(folder + "/x.db"));
}

TEST_F(sqlite_backend_test, a_database_from_a_newer_orkest_is_refused) {
  {
    auto backend = open();
    ASSERT_TRUE(backend);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((folder + "/data/orkest.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value = 99 WHERE name = 'schema_version'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto error = open_error();
  EXPECT_NE(error.find(folder + "/data/orkest.db"), std::string::npos) << error;
  EXPECT_NE(error.find("newer orkest (schema 99"), std::string::npos) << error;
}

TEST_F(sqlite_backend_test, a_file_that_is_no_database_is_refused_and_left_alone) {
  std::filesystem::create_directories(folder + "/data");
  const std::string garbage(4096, 'x');
  std::ofstream(folder + "/data/orkest.db") << garbage;
  auto error = open_error();
  EXPECT_NE(error.find(folder + "/data/orkest.db"), std::string::npos) << error;
  EXPECT_NE(error.find("not a database"), std::string::npos) << error;
  EXPECT_NE(error.find("will not start over it"), std::string::npos) << error;
  std::ifstream kept(folder + "/data/orkest.db");
  std::string content((std::istreambuf_iterator<char>(kept)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, garbage);
}

TEST_F(sqlite_backend_test, an_object_store_over_it_finds_its_objects_again_after_a_restart) {
  json created_pod, created_service;
  {
    store::object_store first({}, store::default_hooks(), open());
    auto pod = first.create("Pod", "default",
                            {{"metadata", {{"name", "web"}}},
                             {"spec", {{"containers", {{{"name", "app"}, {"image", "busybox"}}}}}}});
    ASSERT_TRUE(pod.ok()) << pod.error->message;
    created_pod = pod.object;
    auto service = first.create("Service", "default",
                                {{"metadata", {{"name", "web"}}}, {"spec", {{"ports", {{{"port", 8080}}}}}}});
    ASSERT_TRUE(service.ok()) << service.error->message;
    created_service = service.object;
  }
  store::object_store second({}, store::default_hooks(), open());
  auto pod = second.get({"Pod", "default", "web"});
  ASSERT_TRUE(pod.ok());
  EXPECT_EQ(pod.object, created_pod) << "uid, resourceVersion, creationTimestamp and generation unchanged";
  EXPECT_EQ(second.get({"Service", "default", "web"}).object, created_service);
  auto other = second.create("Service", "default",
                             {{"metadata", {{"name", "db"}}}, {"spec", {{"ports", {{{"port", 5432}}}}}}});
  ASSERT_TRUE(other.ok()) << other.error->message;
  EXPECT_NE(other.object["spec"]["clusterIP"], created_service["spec"]["clusterIP"]) << "the kept Service's IP is taken";
  EXPECT_EQ(other.object["metadata"]["resourceVersion"], "3");
}

TEST_F(sqlite_backend_test, a_reopened_store_takes_its_services_node_ports_again) {
  const json service = {{"metadata", {{"name", "web"}}},
                        {"spec", {{"type", "NodePort"}, {"ports", {{{"port", 8080}, {"nodePort", 30080}}}}}}};
  {
    store::object_store first({}, store::default_hooks(), open());
    auto created = first.create("Service", "default", service);
    ASSERT_TRUE(created.ok()) << created.error->message;
  }
  store::object_store second({}, store::default_hooks(), open());
  json other = service;
  other["metadata"]["name"] = "db";
  other["spec"]["ports"][0]["port"] = 8081;
  auto taken = second.create("Service", "default", other);
  ASSERT_FALSE(taken.ok()) << "the kept Service's node port was handed out again";
  EXPECT_EQ(taken.error->code, 422);
}

// A backend whose disk fills up: commits fail with SQLite's words until space returns.
class full_disk_backend : public store::memory_backend {
 public:
  full_disk_backend() : memory_backend(100, 1 << 20) {}
  bool full = false;
  bool commit(const std::string& key, uint64_t expected, const change_event& change, std::size_t bytes) override {
    if (full) return false;
    return memory_backend::commit(key, expected, change, bytes);
  }
  std::string last_error() const override { return full ? "committing Pod/default/db: database or disk is full" : ""; }
};

TEST(object_store_over_a_failing_backend, a_write_that_cannot_be_stored_is_a_500_naming_why_and_changes_nothing) {
  auto disk = std::make_shared<full_disk_backend>();
  store::object_store store({}, store::default_hooks(), disk);
  json pod = {{"metadata", {{"name", "web"}}}, {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}};
  ASSERT_TRUE(store.create("Pod", "default", pod).ok());
  const auto before = store.get({"Pod", "default", "web"}).object;

  disk->full = true;
  auto db = pod;
  db["metadata"]["name"] = "db";
  auto refused = store.create("Pod", "default", db);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->code, 500);
  EXPECT_EQ(refused.error->reason, "InternalError");
  EXPECT_NE(refused.error->message.find("database or disk is full"), std::string::npos) << refused.error->message;
  auto relabelled = before;
  relabelled["metadata"]["labels"] = {{"x", "y"}};
  EXPECT_EQ(store.update({"Pod", "default", "web"}, relabelled).error->code, 500);
  EXPECT_EQ(store.remove({"Pod", "default", "web"}, {}).error->code, 500);
  // Nothing half-applied, reads still answer.
  EXPECT_EQ(store.get({"Pod", "default", "db"}).error->code, 404);
  EXPECT_EQ(store.get({"Pod", "default", "web"}).object, before);
  EXPECT_TRUE(store.take_events().size() == 1) << "only the first create was published";

  disk->full = false;  // space returns
  auto created = store.create("Pod", "default", db);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created.object["metadata"]["resourceVersion"], "2");
}

}  // namespace
}  // namespace orkest::testing
