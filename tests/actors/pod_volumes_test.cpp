// A pod's volumes on the deterministic scheduler, with the volume actor on real folders under a
// temporary directory: the container gets its mounts; a missing ConfigMap holds it in
// ContainerCreating with FailedMount until the ConfigMap exists; a changed ConfigMap reaches the
// volume's files within a resync; the pod's folder goes with the pod, and an orphan's at startup.

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/actors/actor_test_support.hpp"
#include "volumes/file_tree.hpp"

namespace orkest::testing {
namespace {

std::string make_temp_dir() {
  char pattern[] = "/tmp/orkest-pod-volumes-XXXXXX";
  return mkdtemp(pattern) ? pattern : "";
}

class pod_volumes_test : public control_plane_actors {
 protected:
  std::string root = make_temp_dir();
  std::string pods_dir = root + "/pods";

  void configure(actors::control_plane_settings& settings) override {
    // Left by a pod deleted while orkest was down: removed at the first resync.
    volumes::make_dirs(pods_dir + "/deleted-long-ago/volumes/kubernetes.io~empty-dir/cache", 0750);
    settings.pods_dir = pods_dir;
  }
  void TearDown() override {
    control_plane_actors::TearDown();
    volumes::remove_tree(root);
  }

  json pod_manifest() {
    return json::parse(R"json({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
      "spec": {"securityContext": {"fsGroup": 2000},
        "volumes": [{"name": "cache", "emptyDir": {}},
                    {"name": "config", "configMap": {"name": "app-config"}}],
        "containers": [{"name": "web", "image": "web:v1",
          "volumeMounts": [{"name": "cache", "mountPath": "/cache"},
                           {"name": "config", "mountPath": "/etc/app", "readOnly": false}]}]}})json");
  }
  json config_map(const std::string& mode) {
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "app-config"}}}, {"data", {{"mode", mode}}}};
  }
  std::string pod_dir() { return pods_dir + "/" + get("Pod", "web").object["metadata"]["uid"].get<std::string>(); }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::vector<std::string> event_messages(const std::string& reason) {
    std::vector<std::string> messages;
    for (const auto& event : items_of(list("Event")))
      if (event["reason"] == reason) messages.push_back(event["message"]);
    return messages;
  }
};

TEST_F(pod_volumes_test, a_missing_config_map_holds_the_pod_in_container_creating_until_it_exists) {
  ASSERT_TRUE(create(pod_manifest()).ok());
  run();
  EXPECT_TRUE(running_containers().empty());
  const auto waiting = get("Pod", "web").object["status"]["containerStatuses"][0]["state"]["waiting"];
  EXPECT_EQ(waiting["reason"], "ContainerCreating");
  EXPECT_EQ(event_messages("FailedMount"),
            std::vector<std::string>{"MountVolume.SetUp failed for volume \"config\" : configmap \"app-config\" not found"});

  ASSERT_TRUE(create(config_map("fast")).ok());
  advance_time(std::chrono::seconds(10));  // the retry
  deliver_runtime_events();
  const auto running = running_containers();
  ASSERT_EQ(running.size(), 1u) << get("Pod", "web").object.dump();
  const auto spec = runtime->spec_of(running[0].id);
  const std::string volumes = pod_dir() + "/volumes/";
  ASSERT_EQ(spec.mounts.size(), 3u);
  EXPECT_EQ(spec.mounts[0].source, volumes + "kubernetes.io~empty-dir/cache");
  EXPECT_EQ(spec.mounts[0].destination, "/cache");
  EXPECT_FALSE(spec.mounts[0].read_only);
  EXPECT_EQ(spec.mounts[1].source, volumes + "kubernetes.io~configmap/config");
  EXPECT_TRUE(spec.mounts[1].read_only) << "a configMap volume is read-only whatever the mount says";
  EXPECT_EQ(spec.mounts[2].source, pod_dir() + "/containers/web/termination-log");
  EXPECT_EQ(spec.mounts[2].destination, "/dev/termination-log");
  EXPECT_EQ(read(volumes + "kubernetes.io~configmap/config/mode"), "fast");
  EXPECT_EQ(access((volumes + "kubernetes.io~empty-dir/cache").c_str(), W_OK), 0);
}

TEST_F(pod_volumes_test, a_changed_config_map_reaches_the_running_pods_files_and_the_folder_goes_with_the_pod) {
  ASSERT_TRUE(create(config_map("fast")).ok());
  ASSERT_TRUE(create(pod_manifest()).ok());
  run();
  deliver_runtime_events();
  ASSERT_EQ(running_containers().size(), 1u);
  const std::string file = pod_dir() + "/volumes/kubernetes.io~configmap/config/mode";
  ASSERT_EQ(read(file), "fast");
  const auto first_id = running_containers()[0].id;

  auto changed = get("ConfigMap", "app-config").object;
  changed["data"]["mode"] = "slow";
  ASSERT_TRUE(update(changed).ok());
  advance_to_next_resync();
  advance_to_next_resync();  // the supervisor's listing, then the pod actor's read and write
  EXPECT_EQ(read(file), "slow");
  ASSERT_EQ(running_containers().size(), 1u);
  EXPECT_EQ(running_containers()[0].id, first_id) << "updated in place, the container untouched";

  const std::string dir = pod_dir();
  EXPECT_NE(access((pods_dir + "/deleted-long-ago").c_str(), F_OK), 0) << "an orphan's folder is removed";
  store::delete_options now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(remove("Pod", "web", "default", now).ok());
  deliver_runtime_events();
  advance_to_next_resync();
  EXPECT_TRUE(runtime->containers().empty());
  EXPECT_NE(access(dir.c_str(), F_OK), 0) << "the pod's folder is gone with it";
}

// What the container wrote to its terminationMessagePath is its terminated state's message, and
// the previous run's after a restart; each run starts with an empty file.
TEST_F(pod_volumes_test, the_termination_message_is_read_when_the_container_ends) {
  ASSERT_TRUE(create(config_map("fast")).ok());
  ASSERT_TRUE(create(pod_manifest()).ok());
  run();
  deliver_runtime_events();
  ASSERT_EQ(running_containers().size(), 1u);
  const auto id = running_containers()[0].id;
  const std::string log = pod_dir() + "/containers/web/termination-log";
  ASSERT_EQ(access(log.c_str(), W_OK), 0);
  std::ofstream(log) << "disk full";  // what the container's process wrote before it failed
  runtime->kill(id, 3);
  deliver_runtime_events();
  auto status = get("Pod", "web").object["status"]["containerStatuses"][0];
  EXPECT_EQ(status["lastState"]["terminated"]["message"], "disk full") << status.dump();
  EXPECT_EQ(status["lastState"]["terminated"]["exitCode"], 3);
  EXPECT_EQ(read(log), "") << "emptied for the next run";
}

}  // namespace
}  // namespace orkest::testing
