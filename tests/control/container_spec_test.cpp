// How a pod becomes a podman container spec.

#include "control/container_spec_for_pod.hpp"

#include <gtest/gtest.h>

namespace orkest::control {
namespace {

using nlohmann::json;

json pod() {
  return json::parse(R"({"metadata": {"name": "web", "namespace": "team", "uid": "u-1"},
      "spec": {"nodeName": "node-a", "containers": [{"name": "web", "image": "health:latest",
               "imagePullPolicy": "Never", "command": ["sh", "-c"], "args": ["serve"],
               "env": [{"name": "A", "value": "1"}, {"name": "B", "valueFrom": {"x": 1}}],
               "ports": [{"name": "http", "containerPort": 5000, "protocol": "TCP"}]}]}})");
}

TEST(ContainerSpec, CarriesThePodsContainerAndIdentity) {
  auto spec = container_spec_for(pod(), "orkest");
  EXPECT_EQ(spec.name, "orkest_team_web");
  EXPECT_EQ(spec.image, "health:latest");
  EXPECT_EQ(spec.image_pull_policy, "Never");
  EXPECT_EQ(spec.command, (std::vector<std::string>{"sh", "-c"}));
  EXPECT_EQ(spec.args, (std::vector<std::string>{"serve"}));
  ASSERT_EQ(spec.env.size(), 1u) << "only literal values";
  EXPECT_EQ(spec.env[0], (std::pair<std::string, std::string>{"A", "1"}));
  EXPECT_EQ(spec.hostname, "web");
  EXPECT_EQ(spec.network, "orkest");
  EXPECT_EQ(spec.network_aliases, std::vector<std::string>{"web"});
  ASSERT_EQ(spec.ports.size(), 1u);
  EXPECT_EQ(spec.ports[0].container_port, 5000);
  EXPECT_TRUE(spec.dns_servers.empty()) << "no cluster DNS: the network's own";
}

TEST(ContainerSpec, WorkingDirAndHostPorts) {
  json published = pod();
  published["spec"]["containers"][0]["workingDir"] = "/srv";
  published["spec"]["containers"][0]["ports"][0]["hostPort"] = 8080;
  published["spec"]["containers"][0]["ports"][0]["hostIP"] = "127.0.0.1";
  auto spec = container_spec_for(published, "orkest");
  EXPECT_EQ(spec.working_dir, "/srv");
  ASSERT_EQ(spec.ports.size(), 1u);
  EXPECT_EQ(spec.ports[0].host_port, 8080);
  EXPECT_EQ(spec.ports[0].host_ip, "127.0.0.1");
  EXPECT_EQ(container_spec_for(pod(), "orkest").ports[0].host_port, 0) << "no hostPort: not published";
}

TEST(ContainerSpec, LimitsBecomeCgroupLimits) {
  json limited = pod();
  limited["spec"]["containers"][0]["resources"] = {{"limits", {{"cpu", "1500m"}, {"memory", "64Mi"}}},
                                                   {"requests", {{"cpu", "1"}, {"memory", "32Mi"}}}};
  auto spec = container_spec_for(limited, "orkest");
  EXPECT_EQ(spec.memory_limit_bytes, 64 * 1024 * 1024);
  EXPECT_EQ(spec.cpu_limit_millis, 1500);
  spec = container_spec_for(pod(), "orkest");
  EXPECT_EQ(spec.memory_limit_bytes, 0) << "no limit: none";
  EXPECT_EQ(spec.cpu_limit_millis, 0);
}

TEST(ContainerSpec, SecurityContextTheContainersOverridingThePods) {
  json secured = pod();
  secured["spec"]["securityContext"] = {{"runAsUser", 1000}, {"runAsGroup", 3000}, {"fsGroup", 2000},
                                        {"supplementalGroups", {4000, 2000}}, {"runAsNonRoot", true}};
  secured["spec"]["containers"][0]["securityContext"] = {{"runAsUser", 1001},
                                                         {"readOnlyRootFilesystem", true},
                                                         {"allowPrivilegeEscalation", false},
                                                         {"capabilities", {{"add", {"NET_BIND_SERVICE"}}, {"drop", {"ALL"}}}}};
  auto spec = container_spec_for(secured, "orkest");
  EXPECT_EQ(spec.user, "1001:3000");
  EXPECT_EQ(spec.groups, (std::vector<std::int64_t>{2000, 4000})) << "fsGroup, then the other groups, each once";
  EXPECT_TRUE(spec.read_only_root);
  EXPECT_TRUE(spec.no_new_privileges);
  EXPECT_FALSE(spec.privileged);
  EXPECT_EQ(spec.capabilities_added, std::vector<std::string>{"NET_BIND_SERVICE"});
  EXPECT_EQ(spec.capabilities_dropped, std::vector<std::string>{"ALL"});
  EXPECT_TRUE(spec.run_as_non_root);
  EXPECT_EQ(spec.non_root_subject, "(pod: \"web_team(u-1)\", container: web)");
  spec = container_spec_for(pod(), "orkest");
  EXPECT_EQ(spec.user, "") << "the image's user";
  EXPECT_FALSE(spec.run_as_non_root);
  json group_only = pod();
  group_only["spec"]["securityContext"] = {{"runAsGroup", 3000}};
  EXPECT_EQ(container_spec_for(group_only, "orkest").user, ":3000") << "the image's user, in that group";
  EXPECT_FALSE(spec.no_new_privileges) << "Kubernetes allows escalation unless told otherwise";
}

TEST(ContainerSpec, LabelsNameTheOwnerForAdoption) {
  auto labels = container_labels_for(pod());
  EXPECT_EQ(labels.at(podman::label_managed_by), "orkest");
  EXPECT_EQ(labels.at(podman::label_namespace), "team");
  EXPECT_EQ(labels.at(podman::label_pod_name), "web");
  EXPECT_EQ(labels.at(podman::label_pod_uid), "u-1");
  EXPECT_EQ(labels.at(podman::label_node), "node-a");
}

TEST(ContainerSpec, WithClusterDnsThePodGetsKubernetesSearchList) {
  auto spec = container_spec_for(pod(), "orkest", "10.96.0.10", "cluster.local");
  EXPECT_EQ(spec.dns_servers, std::vector<std::string>{"10.96.0.10"});
  EXPECT_EQ(spec.dns_search,
            (std::vector<std::string>{"team.svc.cluster.local", "svc.cluster.local", "cluster.local"}));
}

}  // namespace
}  // namespace orkest::control
