// The user's own requests from the mission, byte for byte, through the model layer as the store
// runs it: decode, expand shorthands, default, validate. Their shorthand shapes and the
// canonical Kubernetes shapes must end up as the same object.
#include "tests/model/user_examples.hpp"

#include <gtest/gtest.h>

#include "model/body_decoder.hpp"
#include "model/defaults.hpp"
#include "model/label_selector.hpp"
#include "model/shorthand.hpp"
#include "model/validation.hpp"

namespace orkest::model {
namespace {

using nlohmann::json;

namespace bodies = testing::user_examples;

// Runs a body through the model layer; fails the test on any error or cause.
json admitted(std::string_view body, std::string_view content_type = "application/json") {
  auto decoded = decode_body(body, content_type);
  if (auto* error = std::get_if<api_error>(&decoded)) {
    ADD_FAILURE() << "decode failed: " << error->message;
    return nullptr;
  }
  json object = std::get<json>(decoded);
  const resource_kind* kind = find_kind(object.value("kind", ""));
  if (!kind) {
    ADD_FAILURE() << "unknown kind in " << object.dump();
    return nullptr;
  }
  expand_shorthands(*kind, object);
  apply_defaults(*kind, object);
  auto causes = validate(*kind, object);
  if (!causes.empty()) ADD_FAILURE() << invalid(kind->kind, kind->group, "", causes).message;
  return object;
}

const json canonical_replica_set = json::parse(R"({
    "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "health-replicaset"},
    "spec": {"replicas": 3,
             "selector": {"matchLabels": {"name": "health"}},
             "template": {"metadata": {"labels": {"app": "health", "name": "health"}},
                          "spec": {"containers": [{"name": "health", "image": "health:latest",
                                                   "imagePullPolicy": "Always",
                                                   "terminationMessagePath": "/dev/termination-log",
                                                   "terminationMessagePolicy": "File"}],
                                   "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
                                   "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler"}}}})");

TEST(ModelUserExamples, ReplicaSetShorthandBecomesCanonical) {
  EXPECT_EQ(admitted(bodies::replicaset), canonical_replica_set);
}

TEST(ModelUserExamples, KubernetesShapedReplicaSetGivesTheSameObject) {
  const char* kubernetes_shape = R"({"apiVersion": "apps/v1", "kind": "ReplicaSet",
      "metadata": {"name": "health-replicaset"},
      "spec": {"replicas": 3, "selector": {"matchLabels": {"name": "health"}},
               "template": {"metadata": {"labels": {"app": "health", "name": "health"}},
                            "spec": {"containers": [{"name": "health", "image": "health:latest"}]}}}})";
  EXPECT_EQ(admitted(kubernetes_shape), canonical_replica_set);
}

TEST(ModelUserExamples, YamlReplicaSetGivesTheSameObject) {
  const char* manifest = R"(apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: health-replicaset
spec:
  replicas: 3
  selector:
    name: health
  template:
    metadata:
      app: health
    spec:
      containers:
      - name: health
        image: health:latest
)";
  EXPECT_EQ(admitted(manifest, "application/yaml"), canonical_replica_set);
}

TEST(ModelUserExamples, ScaledReplicaSetDiffersOnlyInReplicas) {
  json expected = canonical_replica_set;
  expected["spec"]["replicas"] = 5;
  EXPECT_EQ(admitted(bodies::replicaset_scaled), expected);
}

TEST(ModelUserExamples, ServiceIsAlreadyCanonical) {
  EXPECT_EQ(admitted(bodies::service), json::parse(R"({
      "apiVersion": "v1", "kind": "Service", "metadata": {"name": "health-service"},
      "spec": {"selector": {"app": "health"}, "type": "ClusterIP", "sessionAffinity": "None",
               "ports": [{"protocol": "TCP", "port": 2000, "targetPort": 5000}]}})"));
}

TEST(ModelUserExamples, PodEnvMapBecomesCanonical) {
  json canonical = json::parse(R"({
      "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "ping"},
      "spec": {"containers": [{"name": "ping", "image": "ping:latest", "imagePullPolicy": "Always",
                               "env": [{"name": "HEALTH_SERVICE", "value": "health-service:2000"}],
                               "terminationMessagePath": "/dev/termination-log",
                               "terminationMessagePolicy": "File"}],
               "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
               "schedulerName": "default-scheduler"}})");
  EXPECT_EQ(admitted(bodies::pod), canonical);
  json kubernetes_shape = json::parse(bodies::pod);
  kubernetes_shape["spec"]["containers"][0]["env"] =
      json::parse(R"([{"name": "HEALTH_SERVICE", "value": "health-service:2000"}])");
  EXPECT_EQ(admitted(kubernetes_shape.dump()), canonical);
}

TEST(ModelUserExamples, ServiceFindsTheReplicaSetPodsAndTheReplicaSetCountsThem) {
  json replica_set = admitted(bodies::replicaset);
  json service = admitted(bodies::service);
  // A pod stamped from the template carries the template's labels.
  json pod = {{"metadata", replica_set["spec"]["template"]["metadata"]}};
  const labels pod_labels = labels_of(pod);

  labels service_selector;
  for (const auto& [key, value] : service["spec"]["selector"].items()) service_selector[key] = value;
  EXPECT_TRUE(label_selector::from_map(service_selector).matches(pod_labels));

  auto replica_set_selector = label_selector::from_json(replica_set["spec"]["selector"]);
  ASSERT_TRUE(std::holds_alternative<label_selector>(replica_set_selector));
  EXPECT_TRUE(std::get<label_selector>(replica_set_selector).matches(pod_labels));
  // The ping pod is not one of them.
  EXPECT_FALSE(std::get<label_selector>(replica_set_selector).matches(labels_of(admitted(bodies::pod))));
}

TEST(ModelUserExamples, AdmissionIsIdempotent) {
  // The store re-validates stored objects on update: running the pipeline again changes nothing.
  for (const char* body : {bodies::replicaset, bodies::service, bodies::pod}) {
    json once = admitted(body);
    EXPECT_EQ(admitted(once.dump()), once);
  }
}

}  // namespace
}  // namespace orkest::model
