// Pod volumes on real podman: an emptyDir the pod's user may write (its files in the fsGroup), a
// memory emptyDir that is a tmpfs of its sizeLimit, a secret with its mode, a read-only
// hostPath, and a configMap volume whose file follows the ConfigMap while the container runs.
// The pod's folder (and its tmpfs mounts) go with the pod.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fixture.hpp"

namespace orkest::itest {
namespace {

using PodVolumes = OrkestIntegration;

bool mounted_under(const std::string& folder) {
  std::ifstream mounts("/proc/mounts");
  for (std::string line; std::getline(mounts, line);)
    if (line.find(folder) != std::string::npos) return true;
  return false;
}

TEST_F(PodVolumes, EveryVolumeTypeOnRealPodmanAndAConfigMapUpdatedInPlace) {
  const auto name = unique("volumes");
  const std::string configmaps_url = "/api/v1/namespaces/default/configmaps";
  const std::string host = orkest().host_path_folder();
  std::filesystem::create_directories(host);
  std::ofstream(host + "/greeting") << "hello from the host";
  json config_map = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", {{"mode", "fast"}}}};
  ASSERT_EQ(api().post(configmaps_url, config_map).status, 201);
  json secret = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", name}}},
                 {"stringData", {{"password", "s3cr3t"}}}};
  ASSERT_EQ(api().post("/api/v1/namespaces/default/secrets", secret).status, 201);

  auto manifest = pod_manifest(name);
  manifest["spec"]["securityContext"] = {{"runAsUser", 1000}, {"fsGroup", 2000}};
  manifest["spec"]["volumes"] = {
      {{"name", "cache"}, {"emptyDir", json::object()}},
      {{"name", "scratch"}, {"emptyDir", {{"medium", "Memory"}, {"sizeLimit", "8Mi"}}}},
      {{"name", "config"}, {"configMap", {{"name", name}}}},
      {{"name", "creds"}, {"secret", {{"secretName", name}, {"defaultMode", 0400}}}},
      {{"name", "host"}, {"hostPath", {{"path", host}, {"type", "Directory"}}}}};
  auto& container = manifest["spec"]["containers"][0];
  container["volumeMounts"] = {{{"name", "cache"}, {"mountPath", "/cache"}},
                               {{"name", "scratch"}, {"mountPath", "/scratch"}},
                               {{"name", "config"}, {"mountPath", "/etc/app"}},
                               {{"name", "creds"}, {"mountPath", "/run/secrets/db"}},
                               {{"name", "host"}, {"mountPath", "/host"}, {"readOnly", true}}};
  container["command"] = {"sh", "-c", R"(
echo cache=$(touch /cache/x 2>/dev/null && echo writable || echo read-only) group=$(stat -c %g /cache/x)
echo scratch=$(df -k /scratch | tail -1 | awk '{print $1, $2}')
echo secret=$(cat /run/secrets/db/password) mode=$(stat -L -c %a /run/secrets/db/password)
echo host=$(cat /host/greeting) $(touch /host/new 2>/dev/null && echo writable || echo read-only)
while true; do echo config=$(cat /etc/app/mode); sleep 0.2; done)"};
  auto created = api().post(pods_url, manifest);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string uid = created.json().value("/metadata/uid"_json_pointer, std::string{});
  const std::string pod_folder = orkest().pods_folder() + "/" + uid;

  json pod;
  ASSERT_TRUE(eventually([&] { return is_running(pod = get_pod(name)); }, 30s)) << pod.dump();
  std::string log;
  ASSERT_TRUE(eventually([&] { return (log = log_of(name)).find("config=fast") != std::string::npos; }, 30s))
      << log << get_pod(name).dump();
  EXPECT_NE(log.find("cache=writable group=2000\n"), std::string::npos) << log;
  EXPECT_NE(log.find("scratch=tmpfs 8192\n"), std::string::npos) << log;
  EXPECT_NE(log.find("secret=s3cr3t mode=440\n"), std::string::npos) << "0400, and readable by the fsGroup: " << log;
  EXPECT_NE(log.find("host=hello from the host read-only\n"), std::string::npos) << log;
  EXPECT_TRUE(mounted_under(pod_folder)) << "the memory emptyDir and the secret are tmpfs mounts";

  auto stored = api().get(configmaps_url + "/" + name).json();
  stored["data"]["mode"] = "slow";
  ASSERT_EQ(api().put(configmaps_url + "/" + name, stored).status, 200);
  EXPECT_TRUE(eventually([&] { return (log = log_of(name)).find("config=slow") != std::string::npos; }, 15s))
      << "the running container sees the new value: " << log;
  const auto restarts = get_pod(name).value("/status/containerStatuses/0/restartCount"_json_pointer, -1);
  EXPECT_EQ(restarts, 0) << "updated in place, not by a restart";

  ASSERT_EQ(api().del(pods_url + "/" + name + "?gracePeriodSeconds=0").status, 200);
  EXPECT_TRUE(eventually([&] { return get_pod(name).is_null() && access(pod_folder.c_str(), F_OK) != 0; }, 30s))
      << "the pod's folder is removed with it";
  EXPECT_FALSE(mounted_under(pod_folder)) << "and its tmpfs mounts are gone";
  EXPECT_EQ(access((host + "/greeting").c_str(), F_OK), 0) << "a hostPath belongs to the host: kept";
}

// A claim of the local-path class outlives its pods: what the first pod wrote, the second reads.
TEST_F(PodVolumes, AClaimsDataOutlivesThePodThatWroteIt) {
  const auto name = unique("claimed");
  json storage_class = {{"apiVersion", "storage.k8s.io/v1"},
                        {"kind", "StorageClass"},
                        {"metadata", {{"name", "local-path"}}},
                        {"provisioner", "orkest.io/local-path"},
                        {"volumeBindingMode", "WaitForFirstConsumer"}};
  ASSERT_EQ(api().post("/apis/storage.k8s.io/v1/storageclasses", storage_class).status, 201);
  json claim = {{"apiVersion", "v1"},
                {"kind", "PersistentVolumeClaim"},
                {"metadata", {{"name", name}}},
                {"spec",
                 {{"storageClassName", "local-path"},
                  {"accessModes", {"ReadWriteOnce"}},
                  {"resources", {{"requests", {{"storage", "64Mi"}}}}}}}};
  const std::string claims_url = "/api/v1/namespaces/default/persistentvolumeclaims";
  ASSERT_EQ(api().post(claims_url, claim).status, 201);

  auto pod_writing = [&](const std::string& pod_name, const std::string& script) {
    auto manifest = pod_manifest(pod_name);
    manifest["spec"]["restartPolicy"] = "Never";
    manifest["spec"]["securityContext"] = {{"runAsUser", 1000}};
    manifest["spec"]["volumes"] = {{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", name}}}}};
    manifest["spec"]["containers"][0]["volumeMounts"] = {{{"name", "data"}, {"mountPath", "/data"}}};
    manifest["spec"]["containers"][0]["command"] = {"sh", "-c", script};
    return manifest;
  };
  ASSERT_EQ(api().post(pods_url, pod_writing(name + "-writer", "echo kept > /data/note && echo written")).status, 201);
  ASSERT_FALSE(pod_reaching_phase(name + "-writer", "Succeeded", 30s).is_null()) << get_pod(name + "-writer").dump();
  EXPECT_EQ(log_of(name + "-writer"), "written\n");
  ASSERT_EQ(api().del(pods_url + "/" + name + "-writer?gracePeriodSeconds=0").status, 200);
  ASSERT_TRUE(eventually([&] { return get_pod(name + "-writer").is_null(); }, 30s));

  ASSERT_EQ(api().post(pods_url, pod_writing(name + "-reader", "cat /data/note")).status, 201);
  ASSERT_FALSE(pod_reaching_phase(name + "-reader", "Succeeded", 30s).is_null()) << get_pod(name + "-reader").dump();
  EXPECT_EQ(log_of(name + "-reader"), "kept\n") << "the second pod reads what the first wrote";

  const auto bound = api().get(claims_url + "/" + name).json();
  const std::string volume = bound.value("/spec/volumeName"_json_pointer, std::string{});
  const std::string folder = orkest().folder() + "/data/storage/" + volume + "_default_" + name;
  EXPECT_EQ(access((folder + "/note").c_str(), F_OK), 0) << folder;
  ASSERT_EQ(api().del(pods_url + "/" + name + "-reader?gracePeriodSeconds=0").status, 200);
  ASSERT_EQ(api().del(claims_url + "/" + name).status, 200);
  EXPECT_TRUE(eventually([&] { return api().get("/api/v1/persistentvolumes/" + volume).status == 404; }, 30s))
      << "reclaim policy Delete";
  EXPECT_NE(access(folder.c_str(), F_OK), 0) << "the claim's folder goes with its volume";
}

}  // namespace
}  // namespace orkest::itest
