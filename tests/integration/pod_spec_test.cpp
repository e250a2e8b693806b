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

// A container's last words: what it wrote to its terminationMessagePath, or with
// FallbackToLogsOnError the tail of its log when it failed without writing any.
TEST_F(PodSpec, TheTerminationMessageIsWhatTheContainerLeft) {
  const auto written = unique("last-words");
  auto manifest = pod_manifest(written);
  manifest["spec"]["restartPolicy"] = "Never";
  manifest["spec"]["securityContext"] = {{"runAsUser", 1000}};
  manifest["spec"]["containers"][0]["command"] = {"sh", "-c", "echo 'config invalid' > /dev/termination-log; exit 3"};
  ASSERT_EQ(api().post(pods_url, manifest).status, 201);
  json pod = pod_reaching_phase(written, "Failed", 30s);
  ASSERT_FALSE(pod.is_null()) << get_pod(written).dump();
  EXPECT_EQ(pod.value("/status/containerStatuses/0/state/terminated/message"_json_pointer, std::string{}),
            "config invalid\n");

  const auto logged = unique("from-logs");
  manifest = pod_manifest(logged);
  manifest["spec"]["restartPolicy"] = "Never";
  manifest["spec"]["containers"][0]["terminationMessagePolicy"] = "FallbackToLogsOnError";
  manifest["spec"]["containers"][0]["command"] = {"sh", "-c", "echo starting; echo 'cannot connect to db'; exit 2"};
  ASSERT_EQ(api().post(pods_url, manifest).status, 201);
  pod = pod_reaching_phase(logged, "Failed", 30s);
  ASSERT_FALSE(pod.is_null()) << get_pod(logged).dump();
  EXPECT_EQ(pod.value("/status/containerStatuses/0/state/terminated/message"_json_pointer, std::string{}),
            "starting\ncannot connect to db\n");
}

}  // namespace
}  // namespace orkest::itest
