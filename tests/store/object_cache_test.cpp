// object_cache: a controller's view of one kind, kept as the watch's change events say.
#include "store/object_cache.hpp"

#include <gtest/gtest.h>

namespace orkest::store {
namespace {

json object(const std::string& ns, const std::string& name, const std::string& uid, int generation = 1) {
  return {{"metadata", {{"namespace", ns}, {"name", name}, {"uid", uid}, {"generation", generation}}}};
}

change_event event(change_type type, json value) { return {type, "Thing", std::move(value), 0}; }

TEST(ObjectCache, KeepsTheLatestObjectAndReturnsTheOneBefore) {
  object_cache cache;
  EXPECT_TRUE(cache.apply(event(change_type::added, object("a", "web", "u1"))).is_null());
  auto before = cache.apply(event(change_type::modified, object("a", "web", "u1", 2)));
  EXPECT_EQ(before["metadata"]["generation"], 1);
  ASSERT_NE(cache.find("u1"), nullptr);
  EXPECT_EQ((*cache.find("u1"))["metadata"]["generation"], 2);
  before = cache.apply(event(change_type::deleted, object("a", "web", "u1", 2)));
  EXPECT_EQ(before["metadata"]["generation"], 2);
  EXPECT_EQ(cache.find("u1"), nullptr);
  EXPECT_TRUE(cache.apply(event(change_type::deleted, object("a", "web", "u1"))).is_null());  // gone already
  EXPECT_EQ(cache.size(), 0u);
}

// A name reused after a delete is another object by uid, the same one by name.
TEST(ObjectCache, KeysByUidNameOrNamespacedName) {
  object_cache by_uid(cache_key::uid), by_name(cache_key::name), by_namespaced_name(cache_key::namespaced_name);
  for (auto* cache : {&by_uid, &by_name, &by_namespaced_name}) {
    cache->apply(event(change_type::added, object("a", "web", "u1")));
    cache->apply(event(change_type::added, object("b", "web", "u2")));
  }
  EXPECT_EQ(by_uid.size(), 2u);
  EXPECT_EQ(by_name.size(), 1u);
  EXPECT_EQ(by_namespaced_name.size(), 2u);
  EXPECT_NE(by_namespaced_name.find("b/web"), nullptr);
  EXPECT_EQ(by_namespaced_name.key_of(object("a", "web", "u9")), "a/web");
  EXPECT_EQ((*by_name.find("web"))["metadata"]["uid"], "u2");
}

}  // namespace
}  // namespace orkest::store
