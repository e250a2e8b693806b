// A pod whose image is a tarball (docker-archive:/path), as a base image file without a
// registry: loaded into podman once, and every pod of it runs from that one image.

#include <cstdio>
#include <string>

#include "fixture.hpp"

namespace orkest::itest {
namespace {

using ImageArchive = OrkestIntegration;

TEST_F(ImageArchive, PodsRunFromATarballLoadedOnce) {
  const std::string archive = "/tmp/orkest-itest-" + unique("image") + ".tar";
  // Removed however the test ends.
  struct removed_at_end {
    std::string path;
    ~removed_at_end() { std::remove(path.c_str()); }
  } cleanup{archive};
  ASSERT_TRUE(podman({"save", "--quiet", "--output", archive, health_image}).ok());
  const auto first = unique("tarball-a");
  const auto second = unique("tarball-b");
  for (const auto& name : {first, second}) {
    auto manifest = pod_manifest(name, "docker-archive:" + archive);
    manifest["spec"]["containers"][0].erase("imagePullPolicy");
    ASSERT_EQ(api().post(pods_url, manifest).status, 201);
  }
  for (const auto& name : {first, second}) {
    json pod;
    EXPECT_TRUE(eventually([&] { return is_running(pod = get_pod(name)); }, 60s)) << pod.dump();
  }
  const auto log = orkest().log();
  std::size_t loads = 0;
  for (auto at = log.find("loaded image archive " + archive); at != std::string::npos;
       at = log.find("loaded image archive " + archive, at + 1))
    ++loads;
  EXPECT_EQ(loads, 1u) << "one podman load for both pods";
}

}  // namespace
}  // namespace orkest::itest
