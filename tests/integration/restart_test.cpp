// orkest itself dies (SIGKILL) and starts again with the same bootstrap manifests and the same
// database: the bare pod's container is adopted, the ReplicaSet ends with exactly its replicas,
// no container is left that no pod claims, and objects created through the API are back with
// their uids and their running containers.

#include <unistd.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "fixture.hpp"
#include "netproxy/host_address.hpp"

namespace orkest::itest {
namespace {

class OrkestRestart : public OrkestIntegration {
 protected:
  void prepare(orkest_process& process) override {
    process.add_manifest("10-pod.yaml", "apiVersion: v1\n"
                                        "kind: Pod\n"
                                        "metadata:\n"
                                        "  name: " + bare_ + "\n"
                                        "  labels: {app: " + bare_ + "}\n"
                                        "spec:\n"
                                        "  containers:\n"
                                        "  - name: health\n"
                                        "    image: " + health_image + "\n"
                                        "    imagePullPolicy: Never\n");
    process.add_manifest("20-replicaset.json", replicaset_manifest(rs_, 2).dump(2));
  }

  // Every container of this orkest is claimed by exactly one Running pod, and every pod has
  // exactly one container: 1 bare pod + 2 replicas = 3.
  bool converged(std::string* why) const {
    auto pods = list_pods();
    auto ids = orkest_->container_ids();
    if (pods.size() != 3) return *why = "pods: " + std::to_string(pods.size()), false;
    if (ids.size() != 3) return *why = "containers: " + std::to_string(ids.size()), false;
    for (const auto& pod : pods) {
      auto name = pod.value("/metadata/name"_json_pointer, std::string{});
      if (!is_running(pod)) return *why = name + " is not Running", false;
      auto mine = orkest_->container_ids({{"io.orkest.pod-name", name}});
      if (mine.size() != 1 || mine[0] != container_id_of(pod))
        return *why = name + " has " + std::to_string(mine.size()) + " containers", false;
      if (!container_running(mine[0])) return *why = name + "'s container is not running", false;
    }
    return true;
  }

  std::string bare_ = unique("boot");
  std::string rs_ = unique("boot-rs");
};

TEST_F(OrkestRestart, AfterSigkillAndRestartNoDuplicateNoOrphanAndTheBarePodIsAdopted) {
  std::string why;
  ASSERT_TRUE(eventually([&] { return converged(&why); }, 40s)) << why << describe_pods();
  auto bare_before = get_pod(bare_);
  auto bare_container = container_id_of(bare_before);
  auto containers_before = orkest().container_ids();
  ASSERT_EQ(containers_before.size(), 3u);

  orkest().kill();
  // The containers outlive orkest.
  EXPECT_TRUE(container_running(bare_container));
  EXPECT_EQ(orkest().container_ids().size(), 3u);

  auto restarted = orkest().start();
  ASSERT_EQ(restarted, "") << "orkest did not start again";

  ASSERT_TRUE(eventually([&] { return converged(&why); }, 30s)) << why << describe_pods();
  // The bootstrap pod is back with its old container, not a new one.
  auto bare_after = get_pod(bare_);
  EXPECT_EQ(container_id_of(bare_after), bare_container) << bare_after.dump();
  EXPECT_TRUE(container_running(bare_container));
  // And it stays that way over several reconcile periods (1 s each here): no late duplicate,
  // no late removal.
  EXPECT_TRUE(consistently([&] { return converged(&why) && container_id_of(get_pod(bare_)) == bare_container; }, 4s))
      << why << describe_pods();
}

TEST_F(OrkestRestart, AClusterIPAKilledOrkestLeftOnLoIsRemovedAtTheNextStartAndAStoredServiceGetsItsBack) {
  json service = {{"apiVersion", "v1"},
                  {"kind", "Service"},
                  {"metadata", {{"name", unique("kept-svc")}}},
                  {"spec", {{"selector", {{"app", "nothing"}}}, {"ports", json::array({{{"port", free_port()}}})}}}};
  auto created = api().post("/api/v1/namespaces/default/services", service);
  ASSERT_EQ(created.status, 201) << created.body;
  auto cluster_ip = created.json().value("/spec/clusterIP"_json_pointer, std::string{});
  auto on_lo = [&](const std::string& address) {
    auto labelled = netproxy::labelled_loopback_addresses();
    return std::find(labelled.begin(), labelled.end(), address) != labelled.end();
  };
  ASSERT_TRUE(eventually([&] { return on_lo(cluster_ip); }, 10s)) << cluster_ip << " never appeared on lo with orkest's label";

  orkest().kill();
  EXPECT_TRUE(on_lo(cluster_ip)) << "a killed orkest cannot have removed it";
  // One no stored Service owns (its Service was deleted while this orkest was down, say).
  const std::string stale = cluster_ip.substr(0, cluster_ip.rfind('.')) + ".250";
  ASSERT_EQ(netproxy::add_loopback_address(stale), std::nullopt);
  ASSERT_TRUE(on_lo(stale));
  ASSERT_EQ(orkest().start(), "") << "orkest did not start again";
  EXPECT_FALSE(on_lo(stale)) << stale << " is still on lo after the restart:\n" << orkest().log();
  EXPECT_TRUE(eventually([&] { return on_lo(cluster_ip); }, 10s))
      << "the stored Service's " << cluster_ip << " is not back on lo:\n" << orkest().log();
}

// Nothing from manifests: what the API created lives only in the database.
class DurableRestart : public OrkestIntegration {};

TEST_F(DurableRestart, ObjectsCreatedThroughTheApiSurviveSigkillWithTheirUidsAndRunningContainers) {
  const auto name = unique("durable");
  ASSERT_EQ(api().post(replicasets_url, replicaset_manifest(name, 2)).status, 201);
  ASSERT_EQ(api().post(pods_url, pod_manifest(name + "-bare")).status, 201);
  const std::string selector = "rs=" + name;
  ASSERT_TRUE(eventually([&] { return running_pods(selector) == 2 && is_running(get_pod(name + "-bare")); }, 40s))
      << describe_pods();
  std::map<std::string, std::pair<std::string, std::string>> before;  // name -> (uid, container)
  auto pods = list_pods();
  for (const auto& pod : pods)
    before[pod["metadata"]["name"]] = {pod["metadata"]["uid"], container_id_of(pod)};
  ASSERT_EQ(before.size(), 3u);
  const auto version_before = std::stoull(api().get(pods_url).json()["metadata"]["resourceVersion"].get<std::string>());

  orkest().kill();
  ASSERT_EQ(orkest().start(), "") << "orkest did not start again";

  // The same pods, with the same uids, on the same containers, which were never restarted.
  auto same = [&] {
    auto now = list_pods();
    if (now.size() != before.size()) return false;
    for (const auto& pod : now) {
      auto it = before.find(pod["metadata"]["name"]);
      if (it == before.end() || pod["metadata"]["uid"] != it->second.first || container_id_of(pod) != it->second.second ||
          !is_running(pod) || restart_count_of(pod) != 0)
        return false;
    }
    return true;
  };
  ASSERT_TRUE(eventually(same, 20s)) << describe_pods();
  EXPECT_TRUE(consistently(same, 3s)) << describe_pods();
  for (const auto& [pod_name, identity] : before) EXPECT_TRUE(container_running(identity.second)) << pod_name;
  EXPECT_EQ(orkest().container_ids().size(), 3u);
  // Not one container was created after the restart.
  auto log = orkest().log();
  auto second_start = log.rfind("==== orkest started");
  ASSERT_NE(second_start, std::string::npos);
  auto after_restart = log.substr(second_start);
  std::size_t runs = 0;
  for (auto at = after_restart.find("podman run"); at != std::string::npos; at = after_restart.find("podman run", at + 1))
    ++runs;
  EXPECT_EQ(runs, 0u) << after_restart;
  // resourceVersions continue where they were.
  auto version_after = std::stoull(api().get(pods_url).json()["metadata"]["resourceVersion"].get<std::string>());
  EXPECT_GE(version_after, version_before);
  auto created = api().post(pods_url, pod_manifest(name + "-later"));
  ASSERT_EQ(created.status, 201);
  EXPECT_GT(std::stoull(created.json()["metadata"]["resourceVersion"].get<std::string>()), version_after);
  // A watch resumes from a resourceVersion of before the restart: it gets what changed since,
  // nothing older, as kubectl get -w and informers reconnecting expect.
  auto watched = run_command({"curl", "-sS", "--max-time", "10",
                               "http://127.0.0.1:" + std::to_string(orkest().port()) + pods_url +
                                   "?watch=true&timeoutSeconds=1&resourceVersion=" + std::to_string(version_before)});
  ASSERT_TRUE(watched.ok()) << watched.err << watched.out;
  bool saw_later = false;
  std::istringstream lines(watched.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    auto event = json::parse(line);
    ASSERT_NE(event["type"], "ERROR") << line;
    if (event["type"] == "BOOKMARK") continue;
    EXPECT_GT(std::stoull(event["object"]["metadata"]["resourceVersion"].get<std::string>()), version_before) << line;
    saw_later = saw_later || event["object"]["metadata"]["name"] == name + "-later";
  }
  EXPECT_TRUE(saw_later) << watched.out;
}

// What happened while orkest was down is handled after it: a container that died is restarted
// per restartPolicy, a pod that was being deleted finishes, and the Service answers again (how
// soon after /readyz is reported, not asserted: speed goals belong in bench/).
TEST_F(DurableRestart, WhatHappenedWhileOrkestWasDownIsHandledAndTheServiceAnswersAgain) {
  const auto name = unique("downtime");
  const int service_port = free_port();
  ASSERT_EQ(api().post(replicasets_url, replicaset_manifest(name, 2)).status, 201);
  json service = {{"apiVersion", "v1"},
                  {"kind", "Service"},
                  {"metadata", {{"name", name}}},
                  {"spec", {{"selector", {{"rs", name}}}, {"ports", json::array({{{"port", service_port}, {"targetPort", 5000}}})}}}};
  ASSERT_EQ(api().post("/api/v1/namespaces/default/services", service).status, 201);
  // A pod whose process ignores SIGTERM (sleep as PID 1): its deletion waits out its grace.
  json slow = pod_manifest(name + "-slow");
  slow["spec"]["terminationGracePeriodSeconds"] = 4;
  slow["spec"]["containers"][0]["command"] = json::array({"sleep", "3600"});
  ASSERT_EQ(api().post(pods_url, slow).status, 201);
  const std::string selector = "rs=" + name;
  ASSERT_TRUE(eventually([&] { return running_pods(selector) == 2 && is_running(get_pod(name + "-slow")); }, 40s))
      << describe_pods();
  const std::string url = "http://127.0.0.1:" + std::to_string(service_port) + "/health";
  auto answers = [&] { return run_command({"curl", "-sf", "--max-time", "1", url}, 3s).ok(); };
  ASSERT_TRUE(eventually(answers, 20s)) << "the Service never answered";

  auto replicas = list_pods(selector);
  ASSERT_EQ(replicas.size(), 2u);
  ASSERT_EQ(api().del(pods_url + "/" + name + "-slow").status, 200);
  orkest().kill();
  // While orkest is down, one replica's container dies.
  const auto victim = replicas[0]["metadata"]["name"].get<std::string>();
  ASSERT_TRUE(podman({"kill", container_id_of(replicas[0])}).ok());

  ASSERT_EQ(orkest().start(), "") << "orkest did not start again";
  const auto ready = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually(answers, 10s)) << "the Service does not answer after the restart";
  const auto gap = std::chrono::steady_clock::now() - ready;
  RecordProperty("service_answered_ms_after_readyz",
                 static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(gap).count()));

  json pod;
  ASSERT_TRUE(eventually([&] { return is_running(pod = get_pod(victim)) && restart_count_of(pod) == 1; }, 20s))
      << "the replica whose container died is not restarted once: " << pod.dump();
  EXPECT_EQ(pod.value("/status/containerStatuses/0/lastState/terminated/exitCode"_json_pointer, 0), 137) << pod.dump();
  ASSERT_TRUE(eventually([&] { return api().get(pods_url + "/" + name + "-slow").status == 404; }, 20s))
      << "the pod being deleted never finished: " << get_pod(name + "-slow").dump();
  EXPECT_TRUE(orkest().container_ids({{"io.orkest.pod-name", name + "-slow"}}).empty());
  EXPECT_EQ(list_pods(selector).size(), 2u) << "the ReplicaSet over- or under-created" << describe_pods();
}

}  // namespace
}  // namespace orkest::itest
