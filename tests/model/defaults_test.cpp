#include "model/defaults.hpp"

#include <gtest/gtest.h>

namespace orkest::model {
namespace {

using nlohmann::json;

json defaulted(const char* kind_name, const json& body) {
  json object = body;
  apply_defaults(*find_kind(kind_name), object);
  return object;
}

TEST(Defaults, PodGetsKubernetesDefaults) {
  json pod = defaulted("Pod", json::parse(R"({"metadata": {"name": "ping"},
      "spec": {"containers": [{"name": "ping", "image": "ping:latest", "ports": [{"containerPort": 5000}]}]}})"));
  EXPECT_EQ(pod, json::parse(R"({
    "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "ping"},
    "spec": {"restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
             "schedulerName": "default-scheduler",
             "containers": [{"name": "ping", "image": "ping:latest", "imagePullPolicy": "Always",
                             "terminationMessagePath": "/dev/termination-log",
                             "terminationMessagePolicy": "File",
                             "ports": [{"containerPort": 5000, "protocol": "TCP"}]}]}})"));
}

TEST(Defaults, ALimitWithoutARequestRequestsTheLimit) {
  json pod = defaulted("Pod", json::parse(R"({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c",
      "image": "i", "resources": {"limits": {"cpu": "1", "memory": "64Mi"}, "requests": {"cpu": "250m"}}}]}})"));
  EXPECT_EQ(pod["spec"]["containers"][0]["resources"]["requests"], json({{"cpu", "250m"}, {"memory", "64Mi"}}));
}

TEST(Defaults, ImagePullPolicyFollowsTheTag) {
  const std::pair<const char*, const char*> cases[] = {
      {"health:latest", "Always"},
      {"health", "Always"},
      {"localhost/health", "Always"},
      {"registry:5000/health", "Always"},
      {"health:1.0", "IfNotPresent"},
      {"registry:5000/health:v2", "IfNotPresent"},
      {"health@sha256:0123abcd", "IfNotPresent"},
      {"health:latest@sha256:0123abcd", "Always"},
  };
  for (const auto& [image, policy] : cases) {
    json pod = defaulted("Pod", {{"spec", {{"containers", {{{"image", image}}}}}}});
    EXPECT_EQ(pod["spec"]["containers"][0]["imagePullPolicy"], policy) << image;
  }
}

TEST(Defaults, ExplicitValuesAreKept) {
  json pod = defaulted("Pod", json::parse(R"({"apiVersion": "v1", "kind": "Pod",
      "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 0, "dnsPolicy": "Default",
               "containers": [{"image": "x:latest", "imagePullPolicy": "Never",
                               "ports": [{"containerPort": 53, "protocol": "UDP"}]}]}})"));
  EXPECT_EQ(pod["spec"]["restartPolicy"], "Never");
  EXPECT_EQ(pod["spec"]["terminationGracePeriodSeconds"], 0);
  EXPECT_EQ(pod["spec"]["dnsPolicy"], "Default");
  EXPECT_EQ(pod["spec"]["containers"][0]["imagePullPolicy"], "Never");
  EXPECT_EQ(pod["spec"]["containers"][0]["ports"][0]["protocol"], "UDP");
}

TEST(Defaults, EmptyStringsAndNullsCountAsUnset) {
  json pod = defaulted("Pod", json::parse(R"({"spec": {"restartPolicy": "", "dnsPolicy": null, "containers": []}})"));
  EXPECT_EQ(pod["spec"]["restartPolicy"], "Always");
  EXPECT_EQ(pod["spec"]["dnsPolicy"], "ClusterFirst");
}

TEST(Defaults, ReplicaSetGetsOneReplicaAndADefaultedTemplate) {
  json rs =
      defaulted("ReplicaSet", json::parse(R"({"spec": {"template": {"spec": {"containers": [{"image": "h"}]}}}})"));
  EXPECT_EQ(rs["apiVersion"], "apps/v1");
  EXPECT_EQ(rs["kind"], "ReplicaSet");
  EXPECT_EQ(rs["spec"]["replicas"], 1);
  EXPECT_EQ(rs["spec"]["template"]["spec"]["restartPolicy"], "Always");
  EXPECT_EQ(rs["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"], "Always");
}

TEST(Defaults, ZeroReplicasIsAChoice) {
  EXPECT_EQ(defaulted("ReplicaSet", json::parse(R"({"spec": {"replicas": 0}})"))["spec"]["replicas"], 0);
}

TEST(Defaults, ServiceGetsTypeAffinityProtocolAndTargetPort) {
  json service = defaulted("Service", json::parse(R"({"spec": {"ports": [{"port": 2000}]}})"));
  EXPECT_EQ(service, json::parse(R"({"apiVersion": "v1", "kind": "Service",
      "spec": {"type": "ClusterIP", "sessionAffinity": "None",
               "ports": [{"port": 2000, "protocol": "TCP", "targetPort": 2000}]}})"));
}

TEST(Defaults, NodePortsGetClusterTrafficPolicyAndClientIpAThreeHourTimeout) {
  json node_port = defaulted("Service", json::parse(R"({"spec": {"type": "NodePort", "ports": [{"port": 2000}]}})"));
  EXPECT_EQ(node_port["spec"]["externalTrafficPolicy"], "Cluster");
  json sticky = defaulted("Service", json::parse(R"({"spec": {"sessionAffinity": "ClientIP", "ports": [{"port": 2000}]}})"));
  EXPECT_EQ(sticky["spec"]["sessionAffinityConfig"], json::parse(R"({"clientIP": {"timeoutSeconds": 10800}})"));
  EXPECT_FALSE(sticky["spec"].contains("externalTrafficPolicy"));
}

TEST(Defaults, ServiceTargetPortGivenIsKeptAndZeroMeansThePort) {
  json service = defaulted("Service", json::parse(R"({"spec": {"ports": [
      {"port": 2000, "targetPort": 5000}, {"port": 80, "targetPort": "http"}, {"port": 81, "targetPort": 0}]}})"));
  EXPECT_EQ(service["spec"]["ports"][0]["targetPort"], 5000);
  EXPECT_EQ(service["spec"]["ports"][1]["targetPort"], "http");
  EXPECT_EQ(service["spec"]["ports"][2]["targetPort"], 81);
}

TEST(Defaults, EndpointsPortsGetTcp) {
  json endpoints = defaulted("Endpoints", json::parse(R"({"subsets": [{"ports": [{"port": 5000}]}]})"));
  EXPECT_EQ(endpoints["subsets"][0]["ports"][0]["protocol"], "TCP");
  EXPECT_EQ(endpoints["apiVersion"], "v1");
}

TEST(Defaults, ApiVersionAndKindAreKeptWhenGiven) {
  json pod = defaulted("Pod", json::parse(R"({"apiVersion": "v1", "kind": "Pod"})"));
  EXPECT_EQ(pod, json::parse(R"({"apiVersion": "v1", "kind": "Pod"})"));
}

TEST(Defaults, WrongShapesNeverThrow) {
  for (const char* odd : {"[]", "5", "null", R"({"spec": 5})", R"({"spec": {"containers": {"a": 1}}})",
                          R"({"spec": {"containers": [5, null, {"image": 3, "ports": {"a": 1}}]}})",
                          R"({"spec": {"ports": [1, {"targetPort": 5}]}})", R"({"spec": {"template": []}})",
                          R"({"subsets": {"ports": 1}})"}) {
    for (const char* name : {"Pod", "ReplicaSet", "Service", "Endpoints"}) {
      EXPECT_NO_THROW(defaulted(name, json::parse(odd))) << name << " " << odd;
    }
  }
}

}  // namespace
}  // namespace orkest::model
