// The storage backend contract, on the in-memory backend: revisions assigned in order,
// compare-and-swap on a key's last revision, replay after a revision until compacted.

#include "store/memory_backend.hpp"

#include <gtest/gtest.h>

namespace orkest::store {
namespace {

using nlohmann::json;

change_event change(change_type type, uint64_t revision, const std::string& kind = "Pod") {
  return {type, kind, json{{"metadata", {{"name", "web"}}}}, revision};
}

TEST(MemoryBackend, AssignsRevisionsInOrderAndChecksTheKeysLastRevision) {
  memory_backend backend(100, 1 << 20);
  EXPECT_EQ(backend.revision(), 0u);
  EXPECT_TRUE(backend.commit("Pod/default/web", 0, change(change_type::added, 1), 10));
  EXPECT_EQ(backend.revision(), 1u);
  // Another writer that also read "absent", or read an old revision, loses.
  EXPECT_FALSE(backend.commit("Pod/default/web", 0, change(change_type::added, 2), 10));
  EXPECT_TRUE(backend.commit("Pod/default/db", 0, change(change_type::added, 2), 10));
  EXPECT_FALSE(backend.commit("Pod/default/web", 2, change(change_type::modified, 3), 10));
  EXPECT_TRUE(backend.commit("Pod/default/web", 1, change(change_type::modified, 3), 10));
  // A revision other than the next one is refused: revisions are never reused or skipped.
  EXPECT_FALSE(backend.commit("Pod/default/db", 2, change(change_type::modified, 3), 10));
  EXPECT_FALSE(backend.commit("Pod/default/db", 2, change(change_type::modified, 5), 10));
  EXPECT_EQ(backend.revision(), 3u);
  // Once deleted, the key is absent again.
  EXPECT_TRUE(backend.commit("Pod/default/web", 3, change(change_type::deleted, 4), 10));
  EXPECT_TRUE(backend.commit("Pod/default/web", 0, change(change_type::added, 5), 10));
}

TEST(MemoryBackend, ReplaysTheChangesOfAKindAfterARevision) {
  memory_backend backend(100, 1 << 20);
  backend.commit("Pod/default/a", 0, change(change_type::added, 1), 10);
  backend.commit("Service/default/a", 0, change(change_type::added, 2, "Service"), 10);
  backend.commit("Pod/default/a", 1, change(change_type::modified, 3), 10);
  auto pods = backend.changes_since(1, "Pod");
  ASSERT_TRUE(pods);
  ASSERT_EQ(pods->size(), 1u);
  EXPECT_EQ((*pods)[0].resource_version, 3u);
  EXPECT_EQ((*pods)[0].type, change_type::modified);
  EXPECT_EQ(backend.changes_since(0, "Service")->size(), 1u);
  EXPECT_TRUE(backend.changes_since(3, "Pod")->empty());
}

TEST(MemoryBackend, CompactsByCountAndByBytesAndThenRefusesToReplay) {
  memory_backend by_count(2, 1 << 20);
  for (uint64_t r = 1; r <= 4; ++r) by_count.commit("Pod/default/p" + std::to_string(r), 0, change(change_type::added, r), 10);
  EXPECT_EQ(by_count.compacted_revision(), 2u);
  EXPECT_FALSE(by_count.changes_since(1, "Pod"));
  EXPECT_EQ(by_count.changes_since(2, "Pod")->size(), 2u);

  memory_backend by_bytes(100, 25);
  for (uint64_t r = 1; r <= 3; ++r) by_bytes.commit("Pod/default/p" + std::to_string(r), 0, change(change_type::added, r), 10);
  EXPECT_EQ(by_bytes.compacted_revision(), 1u);  // 30 bytes kept would be over 25
  // One change larger than the whole budget is still kept: the newest is always replayable.
  by_bytes.commit("Pod/default/big", 0, change(change_type::added, 4), 1000);
  EXPECT_EQ(by_bytes.changes_since(3, "Pod")->size(), 1u);
}

}  // namespace
}  // namespace orkest::store
