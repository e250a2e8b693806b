// PersistentVolumes and claims on the deterministic scheduler, with the volume actor on real
// folders under a temporary directory: a claim of the default local-path class waits for its
// first consumer, is provisioned and bound when a pod names it, and the pod's container gets
// the folder; the claim deleted, its volume is released and deleted with the folder. A static
// volume binds a claim of no class and is retained after it.

#include <unistd.h>

#include "tests/actors/actor_test_support.hpp"
#include "volumes/file_tree.hpp"

namespace orkest::testing {
namespace {

std::string make_temp_dir() {
  char pattern[] = "/tmp/orkest-binder-XXXXXX";
  return mkdtemp(pattern) ? pattern : "";
}

class volume_binder_test : public control_plane_actors {
 protected:
  std::string root = make_temp_dir();

  void configure(actors::control_plane_settings& settings) override {
    settings.pods_dir = root + "/pods";
    settings.storage_dir = root + "/storage";
    settings.store.limits.provisioned_volumes_dir = settings.storage_dir;
    settings.store.limits.host_path_allowed = {root + "/static"};
  }
  void TearDown() override {
    control_plane_actors::TearDown();
    volumes::remove_tree(root);
  }

  json claim(const std::string& name, json extra_spec = json::object()) {
    json object = {{"apiVersion", "v1"}, {"kind", "PersistentVolumeClaim"}, {"metadata", {{"name", name}}},
                   {"spec", {{"accessModes", {"ReadWriteOnce"}}, {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}};
    object["spec"].update(extra_spec);
    return object;
  }
  json pod_with_claim(const std::string& name, const std::string& claim_name) {
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", name}}},
            {"spec",
             {{"volumes", {{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", claim_name}}}}}},
              {"containers",
               {{{"name", "app"}, {"image", "app:v1"}, {"volumeMounts", {{{"name", "data"}, {"mountPath", "/data"}}}}}}}}}};
  }
  std::string phase_of(const char* kind, const std::string& name, const std::string& ns = "default") {
    return get(kind, name, ns).object.value("/status/phase"_json_pointer, std::string{});
  }
  std::vector<std::string> claim_events(const std::string& reason) {
    std::vector<std::string> messages;
    for (const auto& event : items_of(list("Event")))
      if (event["reason"] == reason && event["involvedObject"]["kind"] == "PersistentVolumeClaim")
        messages.push_back(event["message"]);
    return messages;
  }
};

TEST_F(volume_binder_test, a_local_path_claim_is_provisioned_for_its_first_pod_and_deleted_with_its_folder) {
  ASSERT_TRUE(create(json::parse(R"({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
      "metadata": {"name": "local-path", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
      "provisioner": "orkest.io/local-path", "volumeBindingMode": "WaitForFirstConsumer"})"), "").ok());
  ASSERT_TRUE(create(claim("data")).ok());
  run();
  auto stored = get("PersistentVolumeClaim", "data").object;
  EXPECT_EQ(stored["spec"]["storageClassName"], "local-path") << "the default class, filled in";
  EXPECT_EQ(phase_of("PersistentVolumeClaim", "data"), "Pending");
  EXPECT_EQ(claim_events("WaitForFirstConsumer"),
            std::vector<std::string>{"waiting for first consumer to be created before binding"});
  EXPECT_TRUE(items_of(list("PersistentVolume", "", "")).empty());

  ASSERT_TRUE(create(pod_with_claim("app", "data")).ok());
  run();
  advance_time(std::chrono::seconds(1));  // the pod looks at its claim again
  const std::string volume = "pvc-" + stored["metadata"]["uid"].get<std::string>();
  EXPECT_EQ(phase_of("PersistentVolumeClaim", "data"), "Bound");
  EXPECT_EQ(get("PersistentVolumeClaim", "data").object["spec"]["volumeName"], volume);
  EXPECT_EQ(phase_of("PersistentVolume", volume, ""), "Bound");
  const std::string folder = root + "/storage/" + volume + "_default_data";
  EXPECT_EQ(get("PersistentVolume", volume, "").object["spec"]["hostPath"]["path"], folder);
  EXPECT_EQ(access(folder.c_str(), W_OK), 0) << "the provisioner made the folder";
  EXPECT_EQ(claim_events("ProvisioningSucceeded"), std::vector<std::string>{"Successfully provisioned volume " + volume});

  deliver_runtime_events();
  const auto running = running_containers();
  ASSERT_EQ(running.size(), 1u) << get("Pod", "app").object.dump();
  const auto spec = runtime->spec_of(running[0].id);
  ASSERT_EQ(spec.mounts.size(), 2u) << "the claim, and the termination log";
  EXPECT_EQ(spec.mounts[0].source, folder);
  EXPECT_EQ(spec.mounts[0].destination, "/data");

  // The claim deleted while its pod runs: the volume is Released but stays while the pod does.
  ASSERT_TRUE(remove("PersistentVolumeClaim", "data").ok());
  run();
  advance_to_next_resync();
  EXPECT_EQ(phase_of("PersistentVolume", volume, ""), "Released");
  EXPECT_EQ(access(folder.c_str(), F_OK), 0) << "not deleted under a running pod";
  store::delete_options now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(remove("Pod", "app", "default", now).ok());
  deliver_runtime_events();
  advance_to_next_resync();
  EXPECT_FALSE(get("PersistentVolume", volume, "").ok()) << "reclaim policy Delete, once no pod names the claim";
  EXPECT_NE(access(folder.c_str(), F_OK), 0) << "and its folder with it";
}

TEST_F(volume_binder_test, a_static_volume_binds_a_claim_of_no_class_and_is_retained_after_it) {
  json static_volume = json::parse(R"({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv-small"},
      "spec": {"capacity": {"storage": "2Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": ""}}})");
  static_volume["spec"]["hostPath"]["path"] = root + "/static/small";
  ASSERT_TRUE(create(static_volume, "").ok());
  json large = static_volume;
  large["metadata"]["name"] = "pv-large";
  large["spec"]["capacity"]["storage"] = "20Gi";
  ASSERT_TRUE(create(large, "").ok());
  run();
  EXPECT_EQ(phase_of("PersistentVolume", "pv-small", ""), "Available");

  ASSERT_TRUE(create(claim("data", {{"storageClassName", ""}})).ok());
  run();
  EXPECT_EQ(phase_of("PersistentVolumeClaim", "data"), "Bound");
  EXPECT_EQ(get("PersistentVolumeClaim", "data").object["spec"]["volumeName"], "pv-small") << "the smallest that fits";
  EXPECT_EQ(get("PersistentVolumeClaim", "data").object["status"]["capacity"]["storage"], "2Gi");
  EXPECT_EQ(phase_of("PersistentVolume", "pv-small", ""), "Bound");
  EXPECT_EQ(phase_of("PersistentVolume", "pv-large", ""), "Available");

  ASSERT_TRUE(create(claim("more", {{"storageClassName", ""}, {"resources", {{"requests", {{"storage", "50Gi"}}}}}})).ok());
  run();
  EXPECT_EQ(phase_of("PersistentVolumeClaim", "more"), "Pending");
  EXPECT_EQ(claim_events("FailedBinding"),
            std::vector<std::string>{"no persistent volumes available for this claim and no storage class is set"});

  ASSERT_TRUE(remove("PersistentVolumeClaim", "data").ok());
  run();
  advance_to_next_resync();
  EXPECT_EQ(phase_of("PersistentVolume", "pv-small", ""), "Released") << "Retain: kept, for an administrator";
}

}  // namespace
}  // namespace orkest::testing
