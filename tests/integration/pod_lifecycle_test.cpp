// Pods against a real orkest with real podman: creation, deletion, a killed container, a
// missing image, resource limits (the cgroup's, and a container killed for memory).

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "fixture.hpp"

namespace orkest::itest {
namespace {

using PodLifecycle = OrkestIntegration;

TEST_F(PodLifecycle, CreatedPodRunsAsALabelledContainerWithAPodIP) {
  auto name = unique("web");
  auto created = api().post(pods_url, pod_manifest(name, health_image, {{"app", "web"}}));
  ASSERT_EQ(created.status, 201) << created.describe();
  auto uid = created.json().value("/metadata/uid"_json_pointer, std::string{});
  ASSERT_FALSE(uid.empty());

  json pod;
  ASSERT_TRUE(eventually([&] { return is_running(pod = get_pod(name)); }, 30s))
      << "pod not Running with a podIP: " << pod.dump();
  EXPECT_EQ(pod.value("/spec/nodeName"_json_pointer, std::string{}), orkest().node_name());
  EXPECT_EQ(restart_count_of(pod), 0);
  EXPECT_TRUE(pod.value("/status/containerStatuses/0/ready"_json_pointer, false));

  // Exactly one container carries the pod's labels, and it is the one the status names.
  auto ids = orkest().container_ids({{"io.orkest.pod-uid", uid}});
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0], container_id_of(pod));
  auto container = orkest_process::inspect(ids[0]);
  ASSERT_FALSE(container.is_null());
  EXPECT_EQ(container.value("Name", std::string{}), "orkest_default_" + name);
  EXPECT_TRUE(container.value("/State/Running"_json_pointer, false));
  const auto labels = container.value("/Config/Labels"_json_pointer, json::object());
  EXPECT_EQ(labels.value("io.orkest.pod-name", ""), name);
  EXPECT_EQ(labels.value("io.orkest.pod-namespace", ""), "default");
  EXPECT_EQ(labels.value("io.orkest.pod-uid", ""), uid);
  EXPECT_EQ(labels.value("io.orkest.node", ""), orkest().node_name());
  EXPECT_EQ(container.value("/Config/Hostname"_json_pointer, std::string{}), name);
  // The podIP is the container's address on orkest's network.
  auto address = container.value(json::json_pointer("/NetworkSettings/Networks/" + orkest().network() + "/IPAddress"),
                                 std::string{});
  EXPECT_EQ(address, pod_ip_of(pod));
}

TEST_F(PodLifecycle, DeletedPodLosesItsContainerAndThenItsObject) {
  auto name = unique("doomed");
  ASSERT_EQ(api().post(pods_url, pod_manifest(name)).status, 201);
  json pod;
  ASSERT_TRUE(eventually([&] { return is_running(pod = get_pod(name)); }, 30s)) << pod.dump();
  auto id = container_id_of(pod);
  ASSERT_TRUE(container_running(id));

  auto deleted = api().del(pods_url + "/" + name);
  ASSERT_EQ(deleted.status, 200) << deleted.describe();

  // The health server ends on SIGTERM, so the grace period is not waited out.
  ASSERT_TRUE(eventually([&] { return api().get(pods_url + "/" + name).status == 404; }, 40s))
      << "the pod object is still there: " << get_pod(name).dump();
  EXPECT_TRUE(orkest_process::inspect(id).is_null()) << "its container " << id << " still exists";
  EXPECT_TRUE(orkest().container_ids({{"io.orkest.pod-name", name}}).empty());
}

TEST_F(PodLifecycle, KilledContainerIsRestartedWithRestartCountOne) {
  auto name = unique("phoenix");
  ASSERT_EQ(api().post(pods_url, pod_manifest(name)).status, 201);
  json pod;
  ASSERT_TRUE(eventually([&] { return is_running(pod = get_pod(name)); }, 30s)) << pod.dump();
  auto id = container_id_of(pod);

  auto killed = podman({"kill", id});
  ASSERT_TRUE(killed.ok()) << killed.err;

  // restartPolicy Always: the first restart comes at once (no back-off yet).
  ASSERT_TRUE(eventually([&] { return is_running(pod = get_pod(name)) && restart_count_of(pod) == 1; }, 15s))
      << "not restarted: " << pod.dump();
  EXPECT_TRUE(pod.contains("/status/containerStatuses/0/lastState/terminated"_json_pointer)) << pod.dump();
  EXPECT_EQ(pod.value("/status/containerStatuses/0/lastState/terminated/exitCode"_json_pointer, 0), 137);
  EXPECT_TRUE(container_running(container_id_of(pod)));
  EXPECT_EQ(orkest().container_ids({{"io.orkest.pod-name", name}}).size(), 1u);
  // And it stays at one restart: nothing keeps killing it.
  EXPECT_TRUE(consistently([&] { return restart_count_of(get_pod(name)) == 1; }, 2s)) << get_pod(name).dump();
}

TEST_F(PodLifecycle, MissingImageWithPullPolicyNeverWaitsWithErrImageNeverPull) {
  auto name = unique("ghost");
  auto image = "localhost/orkest-itest-no-such-image-" + std::to_string(::getpid()) + ":never";
  ASSERT_FALSE(podman({"image", "exists", image}).ok());
  ASSERT_EQ(api().post(pods_url, pod_manifest(name, image)).status, 201);

  json pod;
  ASSERT_TRUE(eventually(
      [&] {
        pod = get_pod(name);
        return pod.value("/status/containerStatuses/0/state/waiting/reason"_json_pointer, std::string{}) ==
               "ErrImageNeverPull";
      },
      15s))
      << pod.dump();
  EXPECT_EQ(phase_of(pod), "Pending");
  EXPECT_FALSE(pod.value("/status/containerStatuses/0/state/waiting/message"_json_pointer, std::string{}).empty());
  EXPECT_TRUE(orkest().container_ids({{"io.orkest.pod-name", name}}).empty());

  // orkest carries on: it answers, and another pod still starts.
  EXPECT_TRUE(orkest().running());
  EXPECT_EQ(api().get("/readyz").status, 200);
  auto other = unique("alive");
  ASSERT_EQ(api().post(pods_url, pod_manifest(other)).status, 201);
  EXPECT_TRUE(eventually([&] { return is_running(get_pod(other)); }, 30s)) << describe_pods();
  EXPECT_EQ(get_pod(name).value("/status/containerStatuses/0/state/waiting/reason"_json_pointer, std::string{}),
            "ErrImageNeverPull");

  // orkest retries after 10 s; meanwhile and during the retry the reason stays in sight (no
  // flicker back to ContainerCreating, which would hide it from `kubectl get pods`).
  auto attempts = [&] {  // orkest logs each failed attempt
    const std::string line = "pod default/" + name + ": ErrImageNeverPull";
    auto log = orkest().log();
    std::size_t count = 0;
    for (auto at = log.find(line); at != std::string::npos; at = log.find(line, at + 1)) ++count;
    return count;
  };
  std::set<std::string> reasons;
  auto deadline = std::chrono::steady_clock::now() + 14s;
  while (attempts() < 2 && std::chrono::steady_clock::now() < deadline) {
    reasons.insert(get_pod(name).value("/status/containerStatuses/0/state/waiting/reason"_json_pointer, std::string{}));
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_GE(attempts(), 2u) << "no retry within 14 s:\n" << orkest().log();
  EXPECT_EQ(reasons, std::set<std::string>{"ErrImageNeverPull"});
}

TEST_F(PodLifecycle, LimitsReachTheCgroupAndAContainerOverItsMemoryIsOOMKilled) {
  auto name = unique("hungry");
  auto manifest = pod_manifest(name);
  manifest["spec"]["restartPolicy"] = "Never";
  auto& container = manifest["spec"]["containers"][0];
  container["resources"] = {{"limits", {{"memory", "16Mi"}, {"cpu", "500m"}}}};
  // About 60 MB in one shell variable: well past 16 MiB.
  container["command"] = {"sh", "-c", "sleep 1; x=$(head -c 60000000 /dev/zero | tr '\\0' a); echo survived"};
  auto created = api().post(pods_url, manifest);
  ASSERT_EQ(created.status, 201) << created.describe();
  EXPECT_EQ(created.json().value("/status/qosClass"_json_pointer, std::string{}), "Guaranteed")
      << "cpu and memory limited, requests defaulted to the limits";

  json pod;
  ASSERT_TRUE(eventually([&] { return !container_id_of(pod = get_pod(name)).empty(); }, 30s)) << pod.dump();
  auto inspected = orkest_process::inspect(container_id_of(pod));
  EXPECT_EQ(inspected.value("/HostConfig/Memory"_json_pointer, int64_t{0}), 16 * 1024 * 1024);
  EXPECT_EQ(inspected.value("/HostConfig/MemorySwap"_json_pointer, int64_t{0}), 16 * 1024 * 1024) << "no swap beyond it";
  EXPECT_EQ(inspected.value("/HostConfig/NanoCpus"_json_pointer, int64_t{0}), 500'000'000);

  ASSERT_FALSE((pod = pod_reaching_phase(name, "Failed", 30s)).is_null());
  const auto terminated = pod.value("/status/containerStatuses/0/state/terminated"_json_pointer, json::object());
  EXPECT_EQ(terminated.value("reason", ""), "OOMKilled") << pod.dump();
  EXPECT_EQ(terminated.value("exitCode", 0), 137);
  EXPECT_EQ(pod.value("/status/qosClass"_json_pointer, std::string{}), "Guaranteed");
}

}  // namespace
}  // namespace orkest::itest
