// orkest itself dies (SIGKILL) and starts again with the same bootstrap manifests: the bare
// pod's container is adopted, the ReplicaSet ends with exactly its replicas, and no container
// is left that no pod claims.

#include <unistd.h>

#include <algorithm>

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

TEST_F(OrkestRestart, AClusterIPAKilledOrkestLeftOnLoIsRemovedAtTheNextStart) {
  // A Service made through the API (not in the bootstrap manifests, so it does not come back).
  json service = {{"apiVersion", "v1"},
                  {"kind", "Service"},
                  {"metadata", {{"name", unique("gone-svc")}}},
                  {"spec", {{"selector", {{"app", "nothing"}}}, {"ports", json::array({{{"port", 40000 + ::getpid() % 20000}}})}}}};
  auto created = api().post("/api/v1/namespaces/default/services", service);
  ASSERT_EQ(created.status, 201) << created.body;
  auto cluster_ip = created.json().value("/spec/clusterIP"_json_pointer, std::string{});
  auto on_lo = [&] {
    auto labelled = netproxy::labelled_loopback_addresses();
    return std::find(labelled.begin(), labelled.end(), cluster_ip) != labelled.end();
  };
  ASSERT_TRUE(eventually(on_lo, 10s)) << cluster_ip << " never appeared on lo with orkest's label";

  orkest().kill();
  EXPECT_TRUE(on_lo()) << "a killed orkest cannot have removed it";
  ASSERT_EQ(orkest().start(), "") << "orkest did not start again";
  EXPECT_FALSE(on_lo()) << cluster_ip << " is still on lo after the restart:\n" << orkest().log();
}

}  // namespace
}  // namespace orkest::itest
