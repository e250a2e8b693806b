#pragma once
// A pod's volumes and its container's volumeMounts as this host makes them, as the kubelet's
// volume plugins lay them out: emptyDir and the configMap and secret payloads under the pod's
// own folder (<pods dir>/<uid>/volumes/<plugin>/<name>), hostPath where it is. Pure: the
// ConfigMaps and Secrets are handed in.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/config_references.hpp"
#include "podman/container_runtime.hpp"
#include "volumes/volume_plan.hpp"

namespace orkest::control {

struct pod_volumes {
  volumes::pod_volume_plan plan;
  std::vector<podman::container_mount> mounts;  // the container's volumeMounts, in order
  std::string failed_volume;  // a volume that cannot be set up: its name ...
  std::string error;          // ... and why, in the kubelet's words (configmap "x" not found)
  bool waiting_for_claim = false;  // a claim not (yet) bound: worth trying again soon
};

// The pod's folder: <pods dir>/<uid>.
std::string pod_dir_for(const std::string& pods_dir, const nlohmann::json& pod);

// The host file bound to the container's terminationMessagePath:
// <pods dir>/<uid>/containers/<container>/termination-log.
std::string termination_log_for(const std::string& pods_dir, const nlohmann::json& pod);

pod_volumes pod_volumes_for(const nlohmann::json& pod, const config_objects& objects, const std::string& pods_dir);

// The kubelet's FailedMount event message for a volume that failed.
std::string failed_mount_message(const std::string& volume, const std::string& error);

}  // namespace orkest::control
