#include "volumes/pod_volume_host.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "volumes/file_tree.hpp"

namespace orkest::volumes {
namespace {

constexpr long tmpfs_magic = 0x01021994;

pod_volume_plan plan_of(std::string pod_dir, std::vector<volume_setup> volumes, std::vector<sub_path_setup> sub_paths) {
  pod_volume_plan plan;
  plan.pod_dir = std::move(pod_dir);
  plan.volumes = std::move(volumes);
  plan.sub_paths = std::move(sub_paths);
  return plan;
}

class PodVolumeHost : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/orkest-volumes-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    pod_dir_ = root_ + "/pods/uid-1";
  }
  void TearDown() override {
    tear_down(pod_dir_);
    remove_tree(root_);
  }

  volume_setup empty_dir(const std::string& name) {
    volume_setup volume;
    volume.name = name;
    volume.type = volume_type::empty_dir;
    volume.path = pod_dir_ + "/volumes/" + empty_dir_plugin + "/" + name;
    return volume;
  }
  volume_setup host_path(const std::string& path, const std::string& type) {
    volume_setup volume;
    volume.name = "host";
    volume.type = volume_type::host_path;
    volume.path = path;
    volume.host_path_type = type;
    return volume;
  }
  static unsigned mode_of(const std::string& path) {
    struct stat info{};
    stat(path.c_str(), &info);
    return info.st_mode & 07777;
  }

  std::string root_;
  std::string pod_dir_;
};

TEST_F(PodVolumeHost, AnEmptyDirIsAWorldWritableFolderOfThePod) {
  pod_volume_plan plan = plan_of(pod_dir_, {empty_dir("cache")}, {});
  auto result = set_up(plan);
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(mode_of(plan.volumes[0].path), 0777u);
  std::ofstream(plan.volumes[0].path + "/kept") << "data";
  ASSERT_EQ(set_up(plan).error, "") << "set up again: nothing lost";
  EXPECT_EQ(access((plan.volumes[0].path + "/kept").c_str(), F_OK), 0);
  EXPECT_EQ(tear_down(pod_dir_), "");
  EXPECT_NE(access(pod_dir_.c_str(), F_OK), 0);
}

TEST_F(PodVolumeHost, AnFsGroupOwnsTheEmptyDirWithSetGroupId) {
  auto volume = empty_dir("shared");
  volume.fs_group = 2000;
  ASSERT_EQ(set_up(plan_of(pod_dir_, {volume}, {})).error, "");
  struct stat info{};
  ASSERT_EQ(stat(volume.path.c_str(), &info), 0);
  EXPECT_EQ(info.st_gid, 2000u);
  EXPECT_EQ(info.st_mode & 07777, 02777u);
}

TEST_F(PodVolumeHost, AMemoryEmptyDirIsATmpfsOfItsSizeUnmountedAtTearDown) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
  auto volume = empty_dir("scratch");
  volume.memory = true;
  volume.size_limit_bytes = 4 * 1024 * 1024;
  ASSERT_EQ(set_up(plan_of(pod_dir_, {volume}, {})).error, "");
  struct statfs info{};
  ASSERT_EQ(statfs(volume.path.c_str(), &info), 0);
  EXPECT_EQ(static_cast<long>(info.f_type), tmpfs_magic);
  EXPECT_EQ(static_cast<long long>(info.f_blocks * info.f_bsize), 4LL * 1024 * 1024);
  ASSERT_EQ(set_up(plan_of(pod_dir_, {volume}, {})).error, "") << "already mounted: not mounted twice";
  EXPECT_EQ(tear_down(pod_dir_), "");
  EXPECT_NE(access(pod_dir_.c_str(), F_OK), 0) << "unmounted, then removed";
}

TEST_F(PodVolumeHost, ProjectedVolumesGetTheirFilesAndReportChanges) {
  volume_setup volume;
  volume.name = "config";
  volume.type = volume_type::projected;
  volume.path = pod_dir_ + "/volumes/" + config_map_plugin + "/config";
  volume.files = {{"app.conf", "a=1", 0644}};
  auto first = set_up(plan_of(pod_dir_, {volume}, {}));
  ASSERT_EQ(first.error, "");
  EXPECT_TRUE(first.payload_changed);
  EXPECT_FALSE(set_up(plan_of(pod_dir_, {volume}, {})).payload_changed);
  volume.files[0].content = "a=2";
  EXPECT_TRUE(set_up(plan_of(pod_dir_, {volume}, {})).payload_changed);
  std::ifstream in(volume.path + "/app.conf");
  std::string text;
  in >> text;
  EXPECT_EQ(text, "a=2");
}

TEST_F(PodVolumeHost, HostPathTypesAreCheckedAsTheKubeletChecksThem) {
  const std::string dir = root_ + "/host-dir";
  const std::string file = root_ + "/host-file";
  std::ofstream(file) << "x";
  EXPECT_EQ(set_up(plan_of(pod_dir_, {host_path(dir, "Directory")}, {})).error,
            "hostPath type check failed: " + dir + " does not exist");
  EXPECT_EQ(set_up(plan_of(pod_dir_, {host_path(dir, "DirectoryOrCreate")}, {})).error, "");
  EXPECT_EQ(set_up(plan_of(pod_dir_, {host_path(dir, "Directory")}, {})).error, "");
  EXPECT_EQ(set_up(plan_of(pod_dir_, {host_path(dir, "File")}, {})).error, "hostPath type check failed: " + dir + " is not a file");
  EXPECT_EQ(set_up(plan_of(pod_dir_, {host_path(file, "Directory")}, {})).error,
            "hostPath type check failed: " + file + " is not a directory");
  EXPECT_EQ(set_up(plan_of(pod_dir_, {host_path(file, "File")}, {})).error, "");
  EXPECT_EQ(set_up(plan_of(pod_dir_, {host_path(root_ + "/new-file", "FileOrCreate")}, {})).error, "");
  EXPECT_EQ(access((root_ + "/new-file").c_str(), F_OK), 0);
  EXPECT_EQ(set_up(plan_of(pod_dir_, {host_path(file, "Socket")}, {})).error,
            "hostPath type check failed: " + file + " is not a socket file");
  auto failed = set_up(plan_of(pod_dir_, {host_path(root_ + "/missing", "File")}, {}));
  EXPECT_EQ(failed.volume, "host");
  EXPECT_EQ(set_up(plan_of(pod_dir_, {host_path(file, "")}, {})).error, "") << "no type: no check";
  EXPECT_EQ(set_up(plan_of(pod_dir_, {host_path(root_ + "/made", "")}, {})).error, "");
  struct stat made{};
  EXPECT_TRUE(stat((root_ + "/made").c_str(), &made) == 0 && S_ISDIR(made.st_mode)) << "a missing one is made, as runtimes do";
}

TEST_F(PodVolumeHost, SubPathsAreMadeInsideTheirVolumeAndNeverLeadOut) {
  auto volume = empty_dir("data");
  ASSERT_EQ(set_up(plan_of(pod_dir_, {volume}, {{volume.path, "site/html", true}})).error, "");
  struct stat info{};
  EXPECT_EQ(stat((volume.path + "/site/html").c_str(), &info), 0);
  EXPECT_TRUE(S_ISDIR(info.st_mode));
  // A container left a link to / in the volume for the next container's subPath.
  ASSERT_EQ(symlink("/", (volume.path + "/escape").c_str()), 0);
  EXPECT_EQ(set_up(plan_of(pod_dir_, {volume}, {{volume.path, "escape", true}})).error,
            "subPath \"escape\" leads out of its volume");
  EXPECT_EQ(set_up(plan_of(pod_dir_, {volume}, {{volume.path, "escape/etc", true}})).error,
            "subPath \"escape/etc\" leads out of its volume");
  EXPECT_NE(access("/etc/passwd", F_OK), -1) << "and nothing outside was touched";
  EXPECT_EQ(set_up(plan_of(pod_dir_, {volume}, {{volume.path, "absent", false}})).error,
            "subPath \"absent\" does not exist in its volume");
  ASSERT_EQ(tear_down(pod_dir_), "");
  EXPECT_EQ(access("/etc/passwd", F_OK), 0) << "tear down removed the link, not what it points to";
}

TEST_F(PodVolumeHost, OrphansAreThePodFoldersOfPodsNoLongerKnown) {
  const std::string pods = root_ + "/pods";
  ASSERT_EQ(make_dirs(pods + "/live/volumes", 0750), "");
  ASSERT_EQ(make_dirs(pods + "/gone/volumes/kubernetes.io~empty-dir/x", 0750), "");
  EXPECT_EQ(remove_orphans(pods, {"live"}), 1);
  EXPECT_EQ(access((pods + "/live").c_str(), F_OK), 0);
  EXPECT_NE(access((pods + "/gone").c_str(), F_OK), 0);
}

}  // namespace
}  // namespace orkest::volumes
