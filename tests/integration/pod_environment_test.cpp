// A pod's environment from a ConfigMap, a Secret and its own fields (its address included),
// read inside a real podman container: the container prints what it got.

#include <regex>
#include <string>

#include "fixture.hpp"

namespace orkest::itest {
namespace {

using PodEnvironment = OrkestIntegration;

TEST_F(PodEnvironment, ConfigMapSecretAndFieldValuesReachTheContainer) {
  const auto config = unique("config");
  const auto secret = unique("secret");
  ASSERT_EQ(api().post("/api/v1/namespaces/default/configmaps",
                       {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", config}}},
                        {"data", {{"mode", "fast"}, {"level", "3"}}}})
                .status,
            201);
  ASSERT_EQ(api().post("/api/v1/namespaces/default/secrets",
                       {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", secret}}},
                        {"stringData", {{"password", "s3cr3t! with spaces"}}}})
                .status,
            201);
  const auto name = unique("env");
  auto manifest = pod_manifest(name);
  manifest["spec"]["restartPolicy"] = "Never";
  auto& container = manifest["spec"]["containers"][0];
  container["command"] = {"sh", "-c", "echo \"mode=$MODE level=$CFG_level password=$PASSWORD pod=$POD ip=$IP\""};
  container["envFrom"] = {{{"prefix", "CFG_"}, {"configMapRef", {{"name", config}}}}};
  container["env"] = {
      {{"name", "MODE"}, {"valueFrom", {{"configMapKeyRef", {{"name", config}, {"key", "mode"}}}}}},
      {{"name", "PASSWORD"}, {"valueFrom", {{"secretKeyRef", {{"name", secret}, {"key", "password"}}}}}},
      {{"name", "POD"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}},
      {{"name", "IP"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "status.podIP"}}}}}}};
  auto created = api().post(pods_url, manifest);
  ASSERT_EQ(created.status, 201) << created.describe();

  ASSERT_FALSE(pod_reaching_phase(name, "Succeeded", 30s).is_null());
  const auto log = log_of(name);
  // The address orkest chose for it (an exited container's own network settings are cleared).
  EXPECT_TRUE(std::regex_match(log, std::regex("mode=fast level=3 password=s3cr3t! with spaces pod=" + name +
                                                    " ip=10\\.89\\.[0-9]+\\.[0-9]+\n")))
      << log;
}

// A pod network whose subnet podman chose (runtime.subnet ""): orkest reads it and still picks
// each pod's address, so status.podIP in the environment is the pod's address, not empty.
TEST(PodEnvironmentOnPodmansSubnet, StatusPodIPIsTheAddressTheContainerGot) {
  ASSERT_EQ(ensure_example_images(), "");
  orkest_options options;
  options.configured_subnet = false;
  orkest_process orkest(options);
  ASSERT_EQ(orkest.start(), "");
  const auto name = unique("own-ip");
  auto manifest = pod_manifest(name);
  auto& container = manifest["spec"]["containers"][0];
  container["command"] = {"sh", "-c", "echo ip=$IP; sleep 30"};
  container["env"] = {{{"name", "IP"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "status.podIP"}}}}}}};
  ASSERT_EQ(orkest.api().post(pods_url, manifest).status, 201);
  json pod;
  ASSERT_TRUE(eventually(
      [&] {
        auto reply = orkest.api().get(pods_url + "/" + name);
        pod = reply.status == 200 ? reply.json() : json();
        return is_running(pod) && !pod_ip_of(pod).empty();
      },
      30s))
      << pod.dump() << orkest.log();
  std::string log;
  ASSERT_TRUE(eventually([&] { return (log = orkest.api().get(pods_url + "/" + name + "/log").body).find('\n') != std::string::npos; },
                         10s));
  EXPECT_EQ(log, "ip=" + pod_ip_of(pod) + "\n");
}

}  // namespace
}  // namespace orkest::itest
