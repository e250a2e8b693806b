// A pod's volumes and mounts as this host lays them out: emptyDir (disk and memory), hostPath,
// configMap and secret payloads (all keys, items, modes, missing objects and keys), subPath,
// readOnly, fsGroup.

#include "control/pod_volumes.hpp"

#include <gtest/gtest.h>

namespace orkest::control {
namespace {

using nlohmann::json;

json pod_with(json volumes, json mounts, json pod_fields = json::object()) {
  json pod = {{"metadata", {{"name", "web"}, {"namespace", "team"}, {"uid", "u-1"}}},
              {"spec",
               {{"volumes", std::move(volumes)},
                {"containers", json::array({{{"name", "app"}, {"image", "health"}, {"volumeMounts", std::move(mounts)}}})}}}};
  pod["spec"].update(pod_fields);
  return pod;
}

const std::string pods = "/var/lib/orkest/pods";
const std::string volumes_dir = pods + "/u-1/volumes/";

TEST(PodVolumes, EmptyDirsLiveInThePodsFolderAndMountWhereAsked) {
  auto result = pod_volumes_for(pod_with(json::parse(R"([{"name": "cache", "emptyDir": {}},
      {"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}])"),
                                         json::parse(R"([{"name": "cache", "mountPath": "/cache"},
      {"name": "scratch", "mountPath": "/scratch", "readOnly": true}])")),
                                {}, pods);
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.plan.pod_dir, pods + "/u-1");
  ASSERT_EQ(result.plan.volumes.size(), 2u);
  EXPECT_EQ(result.plan.volumes[0].path, volumes_dir + "kubernetes.io~empty-dir/cache");
  EXPECT_FALSE(result.plan.volumes[0].memory);
  EXPECT_TRUE(result.plan.volumes[1].memory);
  EXPECT_EQ(result.plan.volumes[1].size_limit_bytes, 64 << 20);
  ASSERT_EQ(result.mounts.size(), 2u);
  EXPECT_EQ(result.mounts[0].source, volumes_dir + "kubernetes.io~empty-dir/cache");
  EXPECT_EQ(result.mounts[0].destination, "/cache");
  EXPECT_FALSE(result.mounts[0].read_only);
  EXPECT_TRUE(result.mounts[1].read_only);
}

TEST(PodVolumes, AMemoryEmptyDirWithoutSizeLimitIsBoundByThePodsMemoryLimit) {
  auto pod = pod_with(json::parse(R"([{"name": "m", "emptyDir": {"medium": "Memory"}}])"), json::array());
  pod["spec"]["containers"][0]["resources"] = {{"limits", {{"memory", "32Mi"}}}};
  EXPECT_EQ(pod_volumes_for(pod, {}, pods).plan.volumes[0].size_limit_bytes, 32 << 20);
}

TEST(PodVolumes, ConfigMapsGiveEveryKeyOrTheItemsAskedForWithTheirModes) {
  config_objects objects;
  objects.config_maps["app"] = {{"data", {{"app.conf", "port=80"}, {"other", "x"}}}, {"binaryData", {{"logo", "AQI="}}}};
  auto all = pod_volumes_for(pod_with(json::parse(R"([{"name": "c", "configMap": {"name": "app", "defaultMode": 256}}])"),
                                      json::parse(R"([{"name": "c", "mountPath": "/etc/app"}])")),
                             objects, pods);
  ASSERT_EQ(all.error, "");
  const auto& files = all.plan.volumes[0].files;
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].path, "app.conf");
  EXPECT_EQ(files[0].content, "port=80");
  EXPECT_EQ(files[0].mode, 0400u);
  EXPECT_EQ(files[1].path, "logo");
  EXPECT_EQ(files[1].content, std::string("\x01\x02"));
  EXPECT_EQ(all.plan.volumes[0].path, volumes_dir + "kubernetes.io~configmap/c");
  EXPECT_FALSE(all.plan.volumes[0].memory);
  EXPECT_TRUE(all.mounts[0].read_only) << "configMap volumes are always read-only";

  auto items = pod_volumes_for(pod_with(json::parse(R"([{"name": "c", "configMap": {"name": "app",
      "items": [{"key": "app.conf", "path": "conf/app.conf", "mode": 384}]}}])"),
                                        json::array()),
                               objects, pods);
  ASSERT_EQ(items.plan.volumes[0].files.size(), 1u);
  EXPECT_EQ(items.plan.volumes[0].files[0].path, "conf/app.conf");
  EXPECT_EQ(items.plan.volumes[0].files[0].mode, 0600u);
}

TEST(PodVolumes, SecretsAreDecodedAndKeptInMemory) {
  config_objects objects;
  objects.secrets["creds"] = {{"data", {{"password", "czNjcjN0IQ=="}}}};
  auto result = pod_volumes_for(pod_with(json::parse(R"([{"name": "s", "secret": {"secretName": "creds"}}])"),
                                         json::parse(R"([{"name": "s", "mountPath": "/run/secrets/app"}])")),
                                objects, pods);
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.plan.volumes[0].path, volumes_dir + "kubernetes.io~secret/s");
  EXPECT_TRUE(result.plan.volumes[0].memory);
  EXPECT_EQ(result.plan.volumes[0].files[0].content, "s3cr3t!");
  EXPECT_EQ(result.plan.volumes[0].files[0].mode, 0644u);
}

TEST(PodVolumes, MissingObjectsAndKeysAreTheKubeletsErrorsUnlessOptional) {
  auto missing = pod_volumes_for(pod_with(json::parse(R"([{"name": "c", "configMap": {"name": "absent"}}])"),
                                          json::array()),
                                 {}, pods);
  EXPECT_EQ(missing.failed_volume, "c");
  EXPECT_EQ(missing.error, "configmap \"absent\" not found");
  EXPECT_EQ(failed_mount_message(missing.failed_volume, missing.error),
            "MountVolume.SetUp failed for volume \"c\" : configmap \"absent\" not found");
  EXPECT_EQ(pod_volumes_for(pod_with(json::parse(R"([{"name": "s", "secret": {"secretName": "absent"}}])"), json::array()),
                            {}, pods)
                .error,
            "secret \"absent\" not found");
  auto optional = pod_volumes_for(
      pod_with(json::parse(R"([{"name": "c", "configMap": {"name": "absent", "optional": true}}])"), json::array()), {},
      pods);
  EXPECT_EQ(optional.error, "");
  EXPECT_TRUE(optional.plan.volumes[0].files.empty()) << "an optional missing object is an empty volume";

  config_objects objects;
  objects.config_maps["app"] = {{"data", {{"a", "1"}}}};
  EXPECT_EQ(pod_volumes_for(pod_with(json::parse(R"([{"name": "c", "configMap": {"name": "app",
      "items": [{"key": "b", "path": "b"}]}}])"),
                                     json::array()),
                            objects, pods)
                .error,
            "configmap references non-existent config key: b");
}

TEST(PodVolumes, HostPathsAreWhereTheyAreAndKeepTheirOwners) {
  auto result = pod_volumes_for(
      pod_with(json::parse(R"([{"name": "logs", "hostPath": {"path": "/srv/logs", "type": "DirectoryOrCreate"}}])"),
               json::parse(R"([{"name": "logs", "mountPath": "/logs", "subPath": "web"}])"),
               {{"securityContext", {{"fsGroup", 2000}}}}),
      {}, pods);
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.plan.volumes[0].path, "/srv/logs");
  EXPECT_EQ(result.plan.volumes[0].host_path_type, "DirectoryOrCreate");
  EXPECT_FALSE(result.plan.volumes[0].fs_group) << "fsGroup changes no host file";
  EXPECT_EQ(result.mounts[0].source, "/srv/logs/web");
  ASSERT_EQ(result.plan.sub_paths.size(), 1u);
  EXPECT_EQ(result.plan.sub_paths[0].volume_path, "/srv/logs");
  EXPECT_EQ(result.plan.sub_paths[0].sub_path, "web");
}

TEST(PodVolumes, FsGroupOwnsThePodsOwnVolumes) {
  auto result = pod_volumes_for(pod_with(json::parse(R"([{"name": "cache", "emptyDir": {}}])"),
                                         json::parse(R"([{"name": "cache", "mountPath": "/c", "subPath": "a/b"}])"),
                                         {{"securityContext", {{"fsGroup", 2000}}}}),
                                {}, pods);
  EXPECT_EQ(result.plan.volumes[0].fs_group, 2000);
  EXPECT_TRUE(result.plan.sub_paths[0].create);
  EXPECT_EQ(result.mounts[0].source, volumes_dir + "kubernetes.io~empty-dir/cache/a/b");
}

TEST(PodVolumes, ABoundClaimIsItsVolumesFolderReadOnlyWhenThePodSaysSo) {
  const auto pod = pod_with(json::parse(R"([{"name": "data", "persistentVolumeClaim": {"claimName": "db", "readOnly": true}}])"),
                            json::parse(R"([{"name": "data", "mountPath": "/data"}])"));
  config_objects objects;
  EXPECT_EQ(pod_volumes_for(pod, objects, pods).error, "persistentvolumeclaim \"db\" not found");
  objects.claims["db"] = {{"spec", {{"volumeName", "pv-1"}}}, {"status", {{"phase", "Pending"}}}};
  const auto unbound = pod_volumes_for(pod, objects, pods);
  EXPECT_EQ(unbound.error, "persistentvolumeclaim \"db\" is not bound");
  EXPECT_TRUE(unbound.waiting_for_claim);
  objects.claims["db"]["status"]["phase"] = "Bound";
  objects.volumes["pv-1"] = {{"spec", {{"hostPath", {{"path", "/srv/pv-1"}, {"type", "Directory"}}}}}};
  const auto bound = pod_volumes_for(pod, objects, pods);
  ASSERT_EQ(bound.error, "");
  EXPECT_EQ(bound.plan.volumes[0].path, "/srv/pv-1");
  EXPECT_EQ(bound.plan.volumes[0].host_path_type, "Directory");
  ASSERT_FALSE(bound.mounts.empty());
  EXPECT_EQ(bound.mounts[0].source, "/srv/pv-1");
  EXPECT_TRUE(bound.mounts[0].read_only) << "persistentVolumeClaim.readOnly";
}

// What a running pod's volumes were written from, to tell whether they need writing again.
TEST(PodVolumes, VersionsChangeWhenAnObjectChangesAppearsOrGoes) {
  const auto pod = pod_with(json::parse(R"([{"name": "c", "configMap": {"name": "app"}},
      {"name": "s", "secret": {"secretName": "db", "optional": true}}])"),
                            json::array());
  const auto which = volume_config_references_of(pod);
  config_objects objects;
  objects.config_maps["app"] = {{"metadata", {{"resourceVersion", "12"}}}};
  const auto first = versions_of(objects, which);
  EXPECT_EQ(first, "ConfigMap/app@12 Secret/db@- ");
  objects.secrets["db"] = {{"metadata", {{"resourceVersion", "13"}}}};
  EXPECT_NE(versions_of(objects, which), first) << "a secret appeared";
  objects.config_maps["app"]["metadata"]["resourceVersion"] = "14";
  EXPECT_EQ(versions_of(objects, which), "ConfigMap/app@14 Secret/db@13 ");
  objects.config_maps["unrelated"] = {{"metadata", {{"resourceVersion", "99"}}}};
  EXPECT_EQ(versions_of(objects, which), "ConfigMap/app@14 Secret/db@13 ") << "only what the volumes name";
}

}  // namespace
}  // namespace orkest::control
