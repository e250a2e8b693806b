// Objects from bootstrap manifests get a uid derived from the manifest's content hash (as
// kubelet's static pods do), so an orkest that restarts with the same manifests gives their
// pods the same uids and the pods adopt the containers they left running.

#include <gtest/gtest.h>

#include "store/object_store.hpp"

using namespace orkest::store;
using nlohmann::json;

namespace {

object_store_hooks counting_hooks() {
  auto counter = std::make_shared<int>(0);
  return {[] { return std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000)); },
          [counter] { return "uid-" + std::to_string(++*counter); }, [] { return std::string("abcde"); }};
}

json manifest_pod(const std::string& name, const std::string& hash, const std::string& source = "file") {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name},
            {"annotations", {{"kubernetes.io/config.source", source}, {"kubernetes.io/config.hash", hash}}}}},
          {"spec", {{"containers", {{{"name", "app"}, {"image", "busybox"}}}}}}};
}

std::string uid_in(object_store& store, const json& object, const std::string& kind = "Pod") {
  auto created = store.create(kind, "default", object);
  EXPECT_TRUE(created.ok()) << (created.error ? created.error->message : "");
  return created.ok() ? created.object["metadata"]["uid"].get<std::string>() : std::string{};
}

TEST(bootstrap_uid, the_same_manifest_gets_the_same_uid_in_a_new_store) {
  object_store first{object_store_settings{}, counting_hooks()};
  object_store second{object_store_settings{}, counting_hooks()};
  auto uid = uid_in(first, manifest_pod("web", "0123abcd"));
  EXPECT_EQ(uid_in(second, manifest_pod("web", "0123abcd")), uid);
  EXPECT_NE(uid, "uid-1");
  EXPECT_EQ(uid.size(), 36u);
}

TEST(bootstrap_uid, a_changed_manifest_name_or_node_gets_another_uid) {
  object_store store{object_store_settings{}, counting_hooks()};
  auto uid = uid_in(store, manifest_pod("web", "0123abcd"));
  EXPECT_NE(uid_in(store, manifest_pod("db", "0123abcd")), uid);

  object_store changed{object_store_settings{}, counting_hooks()};
  EXPECT_NE(uid_in(changed, manifest_pod("web", "99999999")), uid);

  object_store_settings other_node;
  other_node.node_name = "elsewhere";
  object_store elsewhere{other_node, counting_hooks()};
  EXPECT_NE(uid_in(elsewhere, manifest_pod("web", "0123abcd")), uid);
}

TEST(bootstrap_uid, objects_not_from_a_manifest_file_get_a_fresh_uid) {
  object_store store{object_store_settings{}, counting_hooks()};
  EXPECT_EQ(uid_in(store, manifest_pod("web", "0123abcd", "api")), "uid-1");
  json plain = manifest_pod("db", "");
  plain["metadata"].erase("annotations");
  EXPECT_EQ(uid_in(store, plain), "uid-2");
}

}  // namespace
