// Probes on real podman: a liveness failure restarts the container; a readiness failure takes a
// pod out of its Service while a client calling the Service sees no failed request; exec and
// TCP probes; a probe against a port nothing listens on.

#include <algorithm>
#include <atomic>
#include <iostream>
#include <set>
#include <thread>

#include "fixture.hpp"

namespace orkest::itest {
namespace {

class Probes : public OrkestIntegration {
 protected:
  json probed_pod(const std::string& name, const json& probes, const json& labels = json::object()) {
    json pod = pod_manifest(name, health_image, labels);
    auto& container = pod["spec"]["containers"][0];
    container["ports"] = json::array({{{"name", "http"}, {"containerPort", 5000}}});
    for (const auto& [field, probe] : probes.items()) container[field] = probe;
    pod["spec"]["terminationGracePeriodSeconds"] = 2;
    return pod;
  }
  // GET `path` inside the pod's container (the health image answers /fail and /recover).
  static bool call_inside(const json& pod, const std::string& path) {
    auto result = podman({"exec", container_id_of(pod), "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:5000" + path});
    return result.ok();
  }
  bool ready(const json& pod) { return pod.value("/status/containerStatuses/0/ready"_json_pointer, false); }
};

TEST_F(Probes, AFailingLivenessProbeRestartsTheContainerWhichComesBackHealthy) {
  const auto name = unique("live");
  auto manifest = probed_pod(name, {{"livenessProbe", {{"httpGet", {{"path", "/health"}, {"port", "http"}}},
                                                       {"periodSeconds", 1}, {"failureThreshold", 2}}}});
  ASSERT_EQ(api().post(pods_url, manifest).status, 201);
  json pod;
  ASSERT_TRUE(eventually([&] { return is_running(pod = get_pod(name)); }, 30s)) << pod.dump();
  const auto first_container = container_id_of(pod);
  ASSERT_TRUE(consistently([&] { return restart_count_of(get_pod(name)) == 0; }, 3s)) << "a healthy pod is left alone";

  ASSERT_TRUE(call_inside(pod, "/fail"));
  const auto failed_at = std::chrono::steady_clock::now();
  // The failure is an Event within 10 s (the probe's period is 1 s).
  const auto events_url = "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name=" + name;
  auto reasons = [&] {
    auto events = api().get(events_url).json().value("items", json::array());
    std::sort(events.begin(), events.end(), [](const json& a, const json& b) {
      return std::stoull(a["metadata"]["resourceVersion"].get<std::string>()) <
             std::stoull(b["metadata"]["resourceVersion"].get<std::string>());
    });
    std::vector<std::string> found;
    for (const auto& event : events) found.push_back(event.value("reason", ""));
    return found;
  };
  auto has = [](const std::vector<std::string>& list, const char* reason) {
    return std::find(list.begin(), list.end(), reason) != list.end();
  };
  ASSERT_TRUE(eventually([&] { return has(reasons(), "Unhealthy"); }, 10s)) << api().get(events_url).body;
  std::cout << "[ measured ] Unhealthy event "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - failed_at).count()
            << " ms after /health began to fail\n";
  ASSERT_TRUE(eventually([&] { return restart_count_of(pod = get_pod(name)) == 1 && is_running(pod); }, 20s))
      << pod.dump() << "\n" << orkest().log();
  // Unhealthy, then Killing, then Started (again): in that order, after the first Started.
  auto order = reasons();
  auto after = [&](const char* first, const char* then) {
    auto a = std::find(order.begin(), order.end(), first);
    return a != order.end() && std::find(a + 1, order.end(), then) != order.end();
  };
  EXPECT_TRUE(after("Unhealthy", "Killing")) << ::testing::PrintToString(order);
  EXPECT_TRUE(after("Killing", "Started")) << ::testing::PrintToString(order);
  EXPECT_EQ(pod.value("/status/containerStatuses/0/lastState/terminated/containerID"_json_pointer, std::string{}),
            "podman://" + first_container);
  EXPECT_FALSE(pod.value("/status/containerStatuses/0/lastState/terminated/finishedAt"_json_pointer, std::string{}).empty());
  // Started again healthy (the image clears its failure at start): no second restart.
  EXPECT_TRUE(consistently([&] { return restart_count_of(get_pod(name)) == 1; }, 4s)) << describe_pods();
}

TEST_F(Probes, AFailingReadinessProbeTakesOnePodOutOfItsServiceWithoutAFailedRequest) {
  const auto app = unique("ready");
  const json labels = {{"app", app}};
  const json probe = {{"readinessProbe", {{"httpGet", {{"path", "/health"}, {"port", 5000}}},
                                          {"periodSeconds", 1}, {"failureThreshold", 1}}}};
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(api().post(pods_url, probed_pod(app + "-" + std::to_string(i), probe, labels)).status, 201);
  const auto port = free_port();
  json service = {{"apiVersion", "v1"},
                  {"kind", "Service"},
                  {"metadata", {{"name", app}}},
                  {"spec", {{"selector", labels}, {"ports", json::array({{{"port", port}, {"targetPort", 5000}}})}}}};
  ASSERT_EQ(api().post("/api/v1/namespaces/default/services", service).status, 201);
  auto ready_count = [&] {
    int n = 0;
    for (const auto& pod : list_pods("app=" + app)) n += ready(pod) ? 1 : 0;
    return n;
  };
  ASSERT_TRUE(eventually([&] { return ready_count() == 3; }, 40s)) << describe_pods("app=" + app);
  http_client through_service(port);
  ASSERT_TRUE(eventually([&] { return through_service.get("/whoami").status == 200; }, 10s));

  // A client at 20 requests a second for the whole test.
  std::atomic<bool> stop{false};
  std::atomic<int> failed{0}, answered{0};
  std::mutex seen_mutex;
  std::vector<std::string> answered_by;  // the pod of each answer, in order
  std::thread client([&] {
    while (!stop) {
      auto reply = through_service.get("/whoami");
      if (reply.status != 200) {
        ++failed;
      } else {
        ++answered;
        std::lock_guard<std::mutex> lock(seen_mutex);
        answered_by.push_back(reply.json().value("pod", ""));
      }
      std::this_thread::sleep_for(50ms);
    }
  });

  const auto victim = get_pod(app + "-1");
  ASSERT_TRUE(call_inside(victim, "/fail"));
  const auto endpoints_url = "/api/v1/namespaces/default/endpoints/" + app;
  auto not_ready_ips = [&] {
    std::set<std::string> ips;
    auto endpoints = api().get(endpoints_url).json();
    for (const auto& subset : endpoints.value("subsets", json::array()))
      for (const auto& address : subset.value("notReadyAddresses", json::array())) ips.insert(address.value("ip", ""));
    return ips;
  };
  EXPECT_TRUE(eventually([&] { return not_ready_ips() == std::set<std::string>{pod_ip_of(victim)}; }, 10s))
      << api().get(endpoints_url).body;
  EXPECT_FALSE(ready(get_pod(app + "-1")));
  std::size_t out_from;
  {
    std::lock_guard<std::mutex> lock(seen_mutex);
    out_from = answered_by.size();
  }
  std::this_thread::sleep_for(2s);  // the client keeps calling while the pod is out
  {
    std::lock_guard<std::mutex> lock(seen_mutex);
    for (std::size_t i = out_from; i < answered_by.size(); ++i)
      EXPECT_NE(answered_by[i], app + "-1") << "an unready pod answered through the Service";
  }
  // Back in when it recovers.
  ASSERT_TRUE(call_inside(victim, "/recover"));
  EXPECT_TRUE(eventually([&] { return ready_count() == 3 && not_ready_ips().empty(); }, 10s)) << describe_pods();
  stop = true;
  client.join();
  EXPECT_EQ(failed.load(), 0) << "of " << answered.load() + failed.load() << " requests";
  EXPECT_GT(answered.load(), 20);
  EXPECT_EQ(restart_count_of(get_pod(app + "-1")), 0) << "readiness never restarts";
}

TEST_F(Probes, ExecAndTcpProbesAndAPortNobodyListensOn) {
  const auto name = unique("exec");
  // exec: ready once the file exists; tcp on the served port: live; tcp on a dead port: never ready.
  ASSERT_EQ(api().post(pods_url, probed_pod(name, {{"readinessProbe", {{"exec", {{"command", {"cat", "/tmp/ready"}}}},
                                                                       {"periodSeconds", 1}, {"failureThreshold", 1}}},
                                                    {"livenessProbe", {{"tcpSocket", {{"port", 5000}}}, {"periodSeconds", 1}}}}))
                .status,
            201);
  const auto dead = name + "-dead";
  ASSERT_EQ(api().post(pods_url, probed_pod(dead, {{"readinessProbe", {{"tcpSocket", {{"port", 5999}}}, {"periodSeconds", 1}}}}))
                .status,
            201);
  json pod;
  ASSERT_TRUE(eventually([&] { return is_running(pod = get_pod(name)); }, 30s)) << pod.dump();
  EXPECT_TRUE(consistently([&] { return !ready(get_pod(name)); }, 2s)) << "no /tmp/ready yet";
  ASSERT_TRUE(podman({"exec", container_id_of(pod), "touch", "/tmp/ready"}).ok());
  EXPECT_TRUE(eventually([&] { return ready(get_pod(name)); }, 10s)) << get_pod(name).dump();
  EXPECT_EQ(restart_count_of(get_pod(name)), 0) << "the tcp liveness probe passes";

  json dead_pod;
  ASSERT_TRUE(eventually([&] { return is_running(dead_pod = get_pod(dead)); }, 30s)) << dead_pod.dump();
  EXPECT_TRUE(consistently([&] { return !ready(get_pod(dead)); }, 3s));
  EXPECT_EQ(restart_count_of(get_pod(dead)), 0);
  EXPECT_NE(orkest().log().find("connect: connection refused"), std::string::npos) << "the probe's failure is logged";
}

TEST_F(Probes, APodDeletedWhileItsProbeHangsGoesWithinItsGracePeriod) {
  const auto name = unique("hang");
  ASSERT_EQ(api().post(pods_url, probed_pod(name, {{"readinessProbe", {{"exec", {{"command", {"sleep", "60"}}}},
                                                                       {"timeoutSeconds", 50}}}}))
                .status,
            201);
  json pod;
  ASSERT_TRUE(eventually([&] { return is_running(pod = get_pod(name)); }, 30s)) << pod.dump();
  const auto id = container_id_of(pod);
  // The probe's `sleep 60` is running inside the container now.
  ASSERT_TRUE(eventually([&] { return podman({"top", id}).out.find("sleep 60") != std::string::npos; }, 10s));
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(api().del(pods_url + "/" + name).status, 200);
  // terminationGracePeriodSeconds 2: gone well before the probe's 50 s timeout.
  ASSERT_TRUE(eventually([&] { return api().get(pods_url + "/" + name).status == 404; }, 20s)) << orkest().log();
  std::cout << "[ measured ] deleted in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
            << " ms while its probe hung\n";
  EXPECT_TRUE(orkest_process::inspect(id).is_null()) << "its container is removed";
}

}  // namespace
}  // namespace orkest::itest
