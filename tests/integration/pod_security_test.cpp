// securityContext on real podman: the process's user and groups, a read-only root, no new
// privileges, and runAsNonRoot refusing an image that runs as root.

#include <fstream>
#include <string>

#include "fixture.hpp"

namespace orkest::itest {
namespace {

using PodSecurity = OrkestIntegration;

TEST_F(PodSecurity, UserGroupsAndAReadOnlyRootReachTheProcess) {
  const auto name = unique("secure");
  auto manifest = pod_manifest(name);
  manifest["spec"]["restartPolicy"] = "Never";
  manifest["spec"]["securityContext"] = {{"runAsUser", 1000}, {"runAsGroup", 3000}, {"fsGroup", 2000},
                                         {"runAsNonRoot", true}};
  auto& container = manifest["spec"]["containers"][0];
  container["securityContext"] = {{"readOnlyRootFilesystem", true}, {"allowPrivilegeEscalation", false},
                                  {"capabilities", {{"drop", {"ALL"}}}}};
  container["command"] = {"sh", "-c",
                          "echo uid=$(id -u) gid=$(id -g) groups=$(id -G); touch /written 2>/dev/null && echo writable "
                          "|| echo read-only; grep NoNewPrivs /proc/self/status"};
  ASSERT_EQ(api().post(pods_url, manifest).status, 201);
  ASSERT_FALSE(pod_reaching_phase(name, "Succeeded", 30s).is_null());
  EXPECT_EQ(log_of(name), "uid=1000 gid=3000 groups=3000 2000\nread-only\nNoNewPrivs:\t1\n");
}

// The host sees the same: the container's process belongs to runAsUser and runAsGroup there.
TEST_F(PodSecurity, TheHostSeesTheProcessAsRunAsUser) {
  const auto name = unique("host-view");
  auto manifest = pod_manifest(name);
  manifest["spec"]["securityContext"] = {{"runAsUser", 1234}, {"runAsGroup", 4321}};
  ASSERT_EQ(api().post(pods_url, manifest).status, 201);
  json pod;
  ASSERT_TRUE(eventually([&] { return is_running(pod = get_pod(name)); }, 30s)) << pod.dump();
  const auto inspected = podman({"inspect", "--format", "{{.State.Pid}}", "--", container_id_of(pod)});
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  const std::string pid = inspected.out.substr(0, inspected.out.find('\n'));
  std::ifstream status("/proc/" + pid + "/status");
  std::string line, uid, gid;
  while (std::getline(status, line)) {
    if (line.rfind("Uid:", 0) == 0) uid = line;
    if (line.rfind("Gid:", 0) == 0) gid = line;
  }
  EXPECT_EQ(uid, "Uid:\t1234\t1234\t1234\t1234") << "pid " << pid;
  EXPECT_EQ(gid, "Gid:\t4321\t4321\t4321\t4321");
}

TEST_F(PodSecurity, AGroupAloneRunsTheImagesUserInThatGroup) {
  const auto name = unique("grouped");
  auto manifest = pod_manifest(name);  // the health image runs as root
  manifest["spec"]["restartPolicy"] = "Never";
  manifest["spec"]["securityContext"] = {{"runAsGroup", 3000}};
  manifest["spec"]["containers"][0]["command"] = {"sh", "-c", "echo uid=$(id -u) gid=$(id -g)"};
  ASSERT_EQ(api().post(pods_url, manifest).status, 201);
  ASSERT_FALSE(pod_reaching_phase(name, "Succeeded", 30s).is_null()) << get_pod(name).dump();
  EXPECT_EQ(log_of(name), "uid=0 gid=3000\n");
}

TEST_F(PodSecurity, RunAsNonRootRefusesAnImageThatRunsAsRoot) {
  const auto name = unique("rooted");
  auto manifest = pod_manifest(name);  // the health image runs as root
  manifest["spec"]["securityContext"] = {{"runAsNonRoot", true}};
  auto created = api().post(pods_url, manifest);
  ASSERT_EQ(created.status, 201);
  const std::string uid = created.json().value("/metadata/uid"_json_pointer, std::string{});
  json pod;
  ASSERT_TRUE(eventually(
      [&] {
        return (pod = get_pod(name)).value("/status/containerStatuses/0/state/waiting/reason"_json_pointer, std::string{}) ==
               "CreateContainerConfigError";
      },
      30s))
      << pod.dump();
  EXPECT_EQ(pod.value("/status/containerStatuses/0/state/waiting/message"_json_pointer, std::string{}),
            "container has runAsNonRoot and image will run as root (pod: \"" + name + "_default(" + uid +
                ")\", container: main)");
  EXPECT_TRUE(orkest().container_ids({{"io.orkest.pod-uid", uid}}).empty()) << "no container was made";
}

}  // namespace
}  // namespace orkest::itest
