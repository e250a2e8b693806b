// ReplicaSets against a real orkest with real podman: scaling by PUT, and a container removed
// behind orkest's back.

#include "fixture.hpp"

namespace orkest::itest {
namespace {

using ReplicaSets = OrkestIntegration;

TEST_F(ReplicaSets, PutScalesUpAndDownAndContainersFollow) {
  auto name = unique("scale");
  auto selector = "rs%3D" + name;
  auto created = api().post(replicasets_url, replicaset_manifest(name, 3));
  ASSERT_EQ(created.status, 201) << created.describe();

  auto settles_at = [&](int replicas, std::chrono::milliseconds limit) {
    return eventually(
        [&] {
          int total = 0;
          return running_pods(selector, &total) == replicas && total == replicas && running_containers() == replicas &&
                 static_cast<int>(orkest().container_ids().size()) == replicas;
        },
        limit);
  };
  ASSERT_TRUE(settles_at(3, 40s)) << "want 3 Running pods and containers; pods:" << describe_pods(selector)
                                  << "\ncontainers: " << running_containers();

  // The same body with replicas 5 (as the user does), then with 2.
  auto to_five = api().put(replicasets_url + "/" + name, replicaset_manifest(name, 5));
  ASSERT_EQ(to_five.status, 200) << to_five.describe();
  EXPECT_EQ(to_five.json().value("/spec/replicas"_json_pointer, 0), 5);
  ASSERT_TRUE(settles_at(5, 40s)) << "want 5; pods:" << describe_pods(selector)
                                  << "\ncontainers: " << running_containers();

  auto to_two = api().put(replicasets_url + "/" + name, replicaset_manifest(name, 2));
  ASSERT_EQ(to_two.status, 200) << to_two.describe();
  ASSERT_TRUE(settles_at(2, 60s)) << "want 2; pods:" << describe_pods(selector)
                                  << "\ncontainers: " << orkest().container_ids().size();

  auto replicaset = api().get(replicasets_url + "/" + name).json();
  EXPECT_TRUE(eventually(
      [&] {
        replicaset = api().get(replicasets_url + "/" + name).json();
        return replicaset.value("/status/replicas"_json_pointer, -1) == 2 &&
               replicaset.value("/status/readyReplicas"_json_pointer, -1) == 2;
      },
      10s))
      << replicaset.dump();
}

TEST_F(ReplicaSets, HandRemovedContainerIsReplacedAndRunningWithinFiveSeconds) {
  auto name = unique("heal");
  auto selector = "rs%3D" + name;
  ASSERT_EQ(api().post(replicasets_url, replicaset_manifest(name, 2)).status, 201);
  ASSERT_TRUE(eventually([&] { return running_pods(selector) == 2 && running_containers() == 2; }, 40s))
      << describe_pods(selector);

  auto victim = list_pods(selector)[0];
  auto victim_name = victim.value("/metadata/name"_json_pointer, std::string{});
  auto victim_id = container_id_of(victim);
  ASSERT_FALSE(victim_id.empty());

  auto removed = podman({"rm", "-f", victim_id});
  ASSERT_TRUE(removed.ok()) << removed.err;
  auto removed_at = std::chrono::steady_clock::now();

  // Replaced: two Running pods again, each with a running container, none of them the old one.
  std::string state;
  bool replaced = eventually(
      [&] {
        auto pods = list_pods(selector);
        int healthy = 0;
        for (const auto& pod : pods) {
          auto id = container_id_of(pod);
          if (is_running(pod) && id != victim_id && container_running(id)) ++healthy;
        }
        return pods.size() == 2 && healthy == 2 && orkest().container_ids().size() == 2;
      },
      5s);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - removed_at);
  ASSERT_TRUE(replaced) << "not replaced within 5 s of `podman rm -f` (victim " << victim_name << ", "
                        << victim_id.substr(0, 12) << "); pods:" << describe_pods(selector);
  std::cout << "[ measured ] replacement Running " << took.count() << " ms after podman rm -f\n";
}

}  // namespace
}  // namespace orkest::itest
