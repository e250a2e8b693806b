// A container's environment as the kubelet makes it: order and overrides, ConfigMaps and
// Secrets (missing, optional, missing keys), the pod's own fields, resources, $(VAR).

#include "control/container_env.hpp"

#include <gtest/gtest.h>

namespace orkest::control {
namespace {

using nlohmann::json;
using env_list = std::vector<std::pair<std::string, std::string>>;

json pod_with(json container_fields) {
  json container = {{"name", "app"}, {"image", "health:latest"}};
  container.update(container_fields);
  return {{"metadata",
           {{"name", "web-1"}, {"namespace", "team"}, {"uid", "u-1"}, {"labels", {{"app", "web"}}},
            {"annotations", {{"owner", "ops"}}}}},
          {"spec", {{"nodeName", "node-a"}, {"containers", json::array({container})}}}};
}

config_objects objects() {
  config_objects found;
  found.config_maps["app-config"] = {{"data", {{"mode", "fast"}, {"level", "3"}}}, {"binaryData", {{"blob", "AQI="}}}};
  found.secrets["app-secret"] = {{"data", {{"password", "czNjcjN0IQ=="}}}};
  return found;
}

const node_facts node{"192.168.1.5", 4000, 8LL << 30};

TEST(ContainerEnv, LiteralValuesInOrderLaterNamesWinAndReferencesExpand) {
  auto env = environment_for(pod_with({{"env", json::parse(R"([{"name": "A", "value": "1"},
      {"name": "B", "value": "$(A)-x"}, {"name": "C", "value": "$$(A) $(NOPE) $x $"}, {"name": "A", "value": "2"}])")},
                                       {"command", {"echo", "$(B)"}}, {"args", {"$(A)", "$$(A)"}}}),
                             {}, node);
  EXPECT_EQ(env.error, "");
  EXPECT_EQ(env.env, (env_list{{"A", "2"}, {"B", "1-x"}, {"C", "$(A) $(NOPE) $x $"}}));
  EXPECT_EQ(env.command, (std::vector<std::string>{"echo", "1-x"}));
  EXPECT_EQ(env.args, (std::vector<std::string>{"2", "$(A)"}));
}

TEST(ContainerEnv, EnvFromFirstWithItsPrefixThenEnvOverrides) {
  auto env = environment_for(pod_with({{"envFrom", json::parse(R"([{"configMapRef": {"name": "app-config"}},
      {"prefix": "S_", "secretRef": {"name": "app-secret"}}])")},
                                       {"env", json::parse(R"([{"name": "mode", "value": "slow"}])")}}),
                             objects(), node);
  EXPECT_EQ(env.error, "");
  EXPECT_EQ(env.env, (env_list{{"level", "3"}, {"mode", "slow"}, {"blob", "\x01\x02"}, {"S_password", "s3cr3t!"}}));
}

TEST(ContainerEnv, KeyReferencesAndWhatTheyFindMissing) {
  auto env = environment_for(pod_with({{"env", json::parse(R"([
      {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "mode"}}},
      {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "app-secret", "key": "password"}}},
      {"name": "GONE", "valueFrom": {"configMapKeyRef": {"name": "other", "key": "x", "optional": true}}},
      {"name": "NOKEY", "valueFrom": {"secretKeyRef": {"name": "app-secret", "key": "user", "optional": true}}}])")}}),
                             objects(), node);
  EXPECT_EQ(env.error, "");
  EXPECT_EQ(env.env, (env_list{{"MODE", "fast"}, {"PASSWORD", "s3cr3t!"}}));

  auto missing = [&](const char* variable) {
    return environment_for(pod_with({{"env", json::array({json::parse(variable)})}}), objects(), node).error;
  };
  EXPECT_EQ(missing(R"({"name": "X", "valueFrom": {"configMapKeyRef": {"name": "other", "key": "x"}}})"),
            "configmap \"other\" not found");
  EXPECT_EQ(missing(R"({"name": "X", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "x"}}})"),
            "couldn't find key x in ConfigMap team/app-config");
  EXPECT_EQ(missing(R"({"name": "X", "valueFrom": {"secretKeyRef": {"name": "nope", "key": "x"}}})"),
            "secret \"nope\" not found");
  EXPECT_EQ(environment_for(pod_with({{"envFrom", json::parse(R"([{"secretRef": {"name": "nope"}}])")}}), objects(), node)
                .error,
            "secret \"nope\" not found");
}

TEST(ContainerEnv, ThePodsOwnFieldsAndItsAddressLater) {
  auto env = environment_for(pod_with({{"env", json::parse(R"([
      {"name": "NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
      {"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
      {"name": "UID", "valueFrom": {"fieldRef": {"fieldPath": "metadata.uid"}}},
      {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
      {"name": "OWNER", "valueFrom": {"fieldRef": {"fieldPath": "metadata.annotations['owner']"}}},
      {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
      {"name": "HOST", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}},
      {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}])")}}),
                             {}, node);
  EXPECT_EQ(env.env, (env_list{{"NAME", "web-1"}, {"NS", "team"}, {"UID", "u-1"}, {"APP", "web"}, {"OWNER", "ops"},
                               {"NODE", "node-a"}, {"HOST", "192.168.1.5"}}));
  EXPECT_EQ(env.pod_ip_names, std::vector<std::string>{"IP"});
}

TEST(ContainerEnv, ResourcesInUnitsOfTheDivisorRoundedUp) {
  auto env = environment_for(pod_with({{"resources", {{"limits", {{"cpu", "500m"}, {"memory", "64Mi"}}}}},
                                       {"env", json::parse(R"([
      {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
      {"name": "MILLICORES", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}}},
      {"name": "MEBIBYTES", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}},
      {"name": "REQUESTED", "valueFrom": {"resourceFieldRef": {"resource": "requests.memory"}}}])")}}),
                             {}, node);
  EXPECT_EQ(env.env, (env_list{{"CPU", "1"}, {"MILLICORES", "500"}, {"MEBIBYTES", "64"}, {"REQUESTED", "0"}}));
  auto unlimited = environment_for(pod_with({{"env", json::parse(R"([
      {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}}])")}}),
                                   {}, node);
  EXPECT_EQ(unlimited.env, (env_list{{"CPU", "4"}})) << "no limit: the node's allocatable";
}

TEST(ContainerEnv, ReferencesNameEveryConfigMapAndSecret) {
  auto references = config_references_of(pod_with({{"envFrom", json::parse(R"([{"configMapRef": {"name": "a"}}])")},
                                                 {"env", json::parse(R"([
      {"name": "X", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
      {"name": "Y", "valueFrom": {"configMapKeyRef": {"name": "b", "key": "k"}}},
      {"name": "Z", "value": "literal"}])")}}));
  EXPECT_EQ(references.config_maps, (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(references.secrets, (std::set<std::string>{"s"}));
  EXPECT_TRUE(config_references_of(pod_with(json::object())).empty());
}

}  // namespace
}  // namespace orkest::control
