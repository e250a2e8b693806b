#pragma once
// What tests of pods on the whole control plane share (the pod actor's, the ReplicaSet
// controller's): a pod manifest, its container status, and a fixture that creates objects and
// runs pods on the fake runtime.

#include <string>

#include "tests/actors/actor_test_support.hpp"

namespace orkest::testing {

inline json pod_manifest(const std::string& name, const std::string& restart_policy = "Always",
                         const std::string& image = "busybox:1.35") {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}}},
          {"spec", {{"restartPolicy", restart_policy}, {"containers", {{{"name", "app"}, {"image", image}}}}}}};
}

// The pod's one container status (a copy: missing fields read as null).
inline json container_status(json pod) { return pod["status"]["containerStatuses"][0]; }

class pod_actors : public control_plane_actors {
 protected:
  json created(const json& body) {
    auto result = create(body);
    EXPECT_TRUE(result.ok()) << result.error->message;
    return result.object;
  }

  // A standalone pod, run until its container is up.
  json running_pod(const json& manifest) {
    created(manifest);
    auto pod = this->pod(manifest["metadata"]["name"]);
    EXPECT_EQ(pod["status"]["phase"], "Running");
    return pod;
  }

  std::string container_id(const json& pod) {
    auto container = container_of(pod);
    EXPECT_TRUE(container.has_value()) << "pod " << pod["metadata"]["name"] << " has no container";
    return container ? container->id : std::string{};
  }
};

}  // namespace orkest::testing
