// Container fields on real podman: workingDir, and a hostPort that answers on the host.

#include <string>

#include "fixture.hpp"

namespace orkest::itest {
namespace {

using PodSpec = OrkestIntegration;

TEST_F(PodSpec, WorkingDirIsWhereTheProcessStarts) {
  const auto name = unique("workdir");
  auto manifest = pod_manifest(name);
  manifest["spec"]["restartPolicy"] = "Never";
  manifest["spec"]["containers"][0]["workingDir"] = "/tmp";
  manifest["spec"]["containers"][0]["command"] = {"pwd"};
  ASSERT_EQ(api().post(pods_url, manifest).status, 201);
  ASSERT_FALSE(pod_reaching_phase(name, "Succeeded", 30s).is_null());
  EXPECT_EQ(log_of(name), "/tmp\n");
}

TEST_F(PodSpec, AHostPortAnswersOnTheHost) {
  const auto name = unique("published");
  const auto host_port = free_port();
  auto manifest = pod_manifest(name);
  manifest["spec"]["containers"][0]["ports"] = {{{"containerPort", 5000}, {"hostPort", host_port}, {"hostIP", "127.0.0.1"}}};
  ASSERT_EQ(api().post(pods_url, manifest).status, 201);
  json pod;
  ASSERT_TRUE(eventually([&] { return is_running(pod = get_pod(name)); }, 30s)) << pod.dump();
  http_client host(host_port, std::chrono::seconds(2));
  EXPECT_TRUE(eventually([&] { return host.get("/health").status == 200; }, 10s))
      << "nothing answers on 127.0.0.1:" << host_port;
}

}  // namespace
}  // namespace orkest::itest
