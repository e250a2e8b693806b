#include "volumes/payload_writer.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "volumes/file_tree.hpp"

namespace orkest::volumes {
namespace {

class PayloadWriter : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/orkest-payload-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { remove_tree(dir_); }

  std::string read(const std::string& name) {
    std::ifstream in(dir_ + "/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string link_of(const std::string& name) {
    char target[256];
    const auto n = readlink((dir_ + "/" + name).c_str(), target, sizeof target - 1);
    return n > 0 ? std::string(target, n) : std::string{};
  }
  unsigned mode_of(const std::string& name) {
    struct stat info{};
    stat((dir_ + "/" + name).c_str(), &info);
    return info.st_mode & 07777;
  }

  std::string dir_;
};

TEST_F(PayloadWriter, KeysBecomeLinksIntoTheCurrentVersion) {
  auto result = write_payload(dir_, {{"app.conf", "port=80\n", 0644}, {"nested/key.pem", "secret", 0400}});
  ASSERT_EQ(result.error, "");
  EXPECT_TRUE(result.changed);
  EXPECT_EQ(read("app.conf"), "port=80\n");
  EXPECT_EQ(read("nested/key.pem"), "secret");
  EXPECT_EQ(link_of("app.conf"), "..data/app.conf");
  EXPECT_EQ(link_of("nested"), "..data/nested");
  EXPECT_EQ(mode_of("nested/key.pem"), 0400u);
  EXPECT_EQ(link_of("..data").rfind("..", 0), 0u) << "..data names a version folder";
}

TEST_F(PayloadWriter, TheSameFilesAgainChangeNothing) {
  ASSERT_TRUE(write_payload(dir_, {{"a", "1", 0644}}).changed);
  const auto version = link_of("..data");
  auto again = write_payload(dir_, {{"a", "1", 0644}});
  EXPECT_EQ(again.error, "");
  EXPECT_FALSE(again.changed);
  EXPECT_EQ(link_of("..data"), version);
  EXPECT_TRUE(write_payload(dir_, {{"a", "1", 0600}}).changed) << "a new mode is a change";
}

TEST_F(PayloadWriter, AnUpdateSwitchesVersionsAndDropsKeysThatWent) {
  ASSERT_TRUE(write_payload(dir_, {{"a", "1", 0644}, {"b", "2", 0644}}).changed);
  const auto first = link_of("..data");
  auto result = write_payload(dir_, {{"a", "one", 0644}, {"c", "3", 0644}});
  ASSERT_EQ(result.error, "");
  EXPECT_TRUE(result.changed);
  EXPECT_EQ(read("a"), "one");
  EXPECT_EQ(read("c"), "3");
  struct stat info{};
  EXPECT_NE(lstat((dir_ + "/b").c_str(), &info), 0) << "b's link is gone";
  EXPECT_NE(lstat((dir_ + "/" + first).c_str(), &info), 0) << "the old version is removed";
  EXPECT_NE(link_of("..data"), first);
}

TEST_F(PayloadWriter, PathsLeavingTheVolumeAreRefused) {
  for (const std::string path : {"../escape", "/etc/passwd", "a/../../b", "..data", ""}) {
    auto result = write_payload(dir_, {{path, "x", 0644}});
    EXPECT_NE(result.error, "") << path;
    EXPECT_FALSE(result.changed) << path;
  }
  EXPECT_TRUE(read_tree(dir_).empty());
}

TEST_F(PayloadWriter, AnFsGroupOwnsTheFilesAndMayReadThem) {
  ASSERT_EQ(write_payload(dir_, {{"token", "t", 0600}}, 3000).error, "");
  struct stat info{};
  ASSERT_EQ(stat((dir_ + "/token").c_str(), &info), 0);
  EXPECT_EQ(info.st_gid, 3000u);
  EXPECT_EQ(info.st_mode & 07777, 0640u);
}

}  // namespace
}  // namespace orkest::volumes
