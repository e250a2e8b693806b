// A pod's environment from ConfigMaps, Secrets and its own fields, on the deterministic
// scheduler: a missing ConfigMap holds the container in CreateContainerConfigError until the
// ConfigMap exists; the container then starts with the values (and the pod's address).

#include "tests/actors/actor_test_support.hpp"

namespace orkest::testing {
namespace {

class pod_environment_test : public control_plane_actors {
 protected:
  json pod_manifest() {
    return json::parse(R"json({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
      "spec": {"containers": [{"name": "web", "image": "web:v1", "command": ["serve", "--mode=$(MODE)"],
        "env": [{"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "mode"}}},
                {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "app-secret", "key": "password"}}},
                {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}]}})json");
  }
  json container_state_of(const std::string& name) { return get("Pod", name).object["status"]["containerStatuses"][0]["state"]; }
};

TEST_F(pod_environment_test, a_missing_config_map_holds_the_container_until_it_exists) {
  ASSERT_TRUE(create(json::parse(R"({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "app-secret"},
      "stringData": {"password": "s3cr3t!"}})")).ok());
  ASSERT_TRUE(create(pod_manifest()).ok());
  run();
  EXPECT_TRUE(running_containers().empty());
  EXPECT_EQ(container_state_of("web")["waiting"]["reason"], "CreateContainerConfigError");
  EXPECT_EQ(container_state_of("web")["waiting"]["message"], "configmap \"app-config\" not found");

  ASSERT_TRUE(create(json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-config"},
      "data": {"mode": "fast"}})")).ok());
  advance_time(std::chrono::seconds(10));  // the kubelet's retry, at most 10 s after a config error
  deliver_runtime_events();
  const auto running = running_containers();
  ASSERT_EQ(running.size(), 1u) << get("Pod", "web").object.dump();
  const auto spec = runtime->spec_of(running[0].id);
  EXPECT_EQ(spec.env, (std::vector<std::pair<std::string, std::string>>{
                          {"MODE", "fast"}, {"PASSWORD", "s3cr3t!"}, {"POD_NAME", "web"}}));
  EXPECT_EQ(spec.command, (std::vector<std::string>{"serve", "--mode=fast"})) << "$(MODE) expanded";
  EXPECT_TRUE(container_state_of("web").contains("running"));
}

}  // namespace
}  // namespace orkest::testing
