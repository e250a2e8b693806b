// The content hash names bootstrap manifests and derives stable uids that running containers
// keep: its values are pinned here, so a change to it cannot slip through.

#include "model/content_hash.hpp"

#include <gtest/gtest.h>

namespace orkest::model {
namespace {

TEST(ContentHash, IsTwoFnv1a64HashesInHex) {
  EXPECT_EQ(content_hash(""), "cbf29ce4842223256c62272e07bb0142");  // the two offset bases
  EXPECT_EQ(content_hash("orkest"), "35b4091068b241cf984769bd6312e784");
}

TEST(ContentHash, ChangesWithEveryByte) {
  EXPECT_NE(content_hash("a"), content_hash("b"));
  EXPECT_NE(content_hash("ab"), content_hash("ba"));
  EXPECT_EQ(content_hash(std::string("a\0b", 3)).size(), 32u);
  EXPECT_NE(content_hash(std::string("a\0b", 3)), content_hash("a"));
}

}  // namespace
}  // namespace orkest::model
