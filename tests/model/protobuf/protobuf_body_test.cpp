// Kubernetes' protobuf request bodies: the bodies the real kubectl 1.32 sent (captured into
// tests/model/protobuf/*.pb), bodies written by the protobuf library from text format (its
// encoder, not ours), and hand-made broken ones.
#include "model/protobuf/protobuf_body.hpp"

#include <gtest/gtest.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/text_format.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "model/body_decoder.hpp"
#include "model/protobuf/k8s_descriptors.hpp"
#include "model/resource_kind.hpp"

namespace orkest::model::protobuf {
namespace {

using nlohmann::json;

std::string fixture(const std::string& name) {
  std::ifstream file(std::string(ORKEST_SOURCE_DIR) + "/tests/model/protobuf/" + name, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  EXPECT_FALSE(bytes.str().empty()) << name;
  return bytes.str();
}

// The message `type` written in protobuf text format, encoded by the protobuf library.
std::string encoded(const std::string& type, const std::string& text) {
  const auto* descriptor = k8s_descriptors().FindMessageTypeByName(type);
  EXPECT_NE(descriptor, nullptr) << type;
  google::protobuf::DynamicMessageFactory factory(&k8s_descriptors());
  std::unique_ptr<google::protobuf::Message> message(factory.GetPrototype(descriptor)->New());
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, message.get())) << text;
  return message->SerializeAsString();
}

// "k8s\0" + runtime.Unknown{typeMeta, raw}.
std::string envelope(const std::string& api_version, const std::string& kind, const std::string& raw) {
  const auto* unknown = k8s_descriptors().FindMessageTypeByName("k8s.io.apimachinery.pkg.runtime.Unknown");
  google::protobuf::DynamicMessageFactory factory(&k8s_descriptors());
  std::unique_ptr<google::protobuf::Message> message(factory.GetPrototype(unknown)->New());
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      "typeMeta { apiVersion: \"" + api_version + "\" kind: \"" + kind + "\" }", message.get()));
  message->GetReflection()->SetString(message.get(), unknown->FindFieldByName("raw"), raw);
  return std::string("k8s\0", 4) + message->SerializeAsString();
}

json decoded(const std::string& body) {
  auto result = decode_protobuf_body(body);
  if (auto* error = std::get_if<api_error>(&result)) {
    ADD_FAILURE() << error->message;
    return nullptr;
  }
  return std::get<json>(result);
}

std::string error_of(const std::string& body) {
  auto result = decode_protobuf_body(body);
  if (auto* error = std::get_if<api_error>(&result)) {
    EXPECT_EQ(error->code, 400);
    EXPECT_EQ(error->reason, "BadRequest");
    return error->message;
  }
  ADD_FAILURE() << "decoded: " << std::get<json>(result).dump();
  return "";
}

// Hand-made wire format, for bodies no encoder would write.
std::string varint(std::uint64_t value) {
  std::string out;
  do {
    unsigned char byte = value & 0x7f;
    value >>= 7;
    if (value) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (value);
  return out;
}
std::string length_delimited(int field, const std::string& bytes) {
  return varint(static_cast<std::uint64_t>(field) << 3 | 2) + varint(bytes.size()) + bytes;
}
std::string varint_field(int field, std::uint64_t value) { return varint(static_cast<std::uint64_t>(field) << 3) + varint(value); }

TEST(ProtobufBody, KubectlCreateDeploymentDecodesAsItsJson) {
  // What `kubectl create deployment web --image=health:latest --replicas=3 -o json
  // --dry-run=client` prints, less the null creationTimestamps.
  EXPECT_EQ(decoded(fixture("kubectl_create_deployment.pb")), json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "strategy": {},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "health", "image": "health:latest", "resources": {}}]}}},
    "status": {}})"));
}

TEST(ProtobufBody, KubectlCreateDeploymentWithPortAndCommand) {
  const json body = decoded(fixture("kubectl_create_deployment_with_command.pb"));
  EXPECT_EQ(body["spec"]["template"]["spec"]["containers"], json::parse(R"([{
    "name": "busybox", "image": "busybox:latest", "command": ["sleep", "3600"],
    "ports": [{"containerPort": 5000}], "resources": {}}])"));
}

TEST(ProtobufBody, KubectlCreateServiceClusterIP) {
  EXPECT_EQ(decoded(fixture("kubectl_create_service_clusterip.pb")), json::parse(R"({
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "mysvc", "labels": {"app": "mysvc"}},
    "spec": {"ports": [{"name": "5678-8080", "protocol": "TCP", "port": 5678, "targetPort": 8080}],
             "selector": {"app": "mysvc"}, "type": "ClusterIP"},
    "status": {"loadBalancer": {}}})"));
}

TEST(ProtobufBody, KubectlCreateConfigMapAndSecretGeneric) {
  EXPECT_EQ(decoded(fixture("kubectl_create_configmap.pb")), json::parse(R"({
    "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-config"},
    "data": {"mode": "fast", "level": "3"}})"));
  // Secret data is bytes on the wire and base64 in JSON, as Kubernetes writes []byte.
  EXPECT_EQ(decoded(fixture("kubectl_create_secret_generic.pb")), json::parse(R"({
    "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "app-secret"},
    "data": {"password": "czNjcjN0IQ=="}})"));
}

TEST(ProtobufBody, EmbeddedReferencesAreInlineAsInJson) {
  const std::string pod = encoded("k8s.io.api.core.v1.Pod", R"(
    metadata { name: "p" }
    spec { containers { name: "c" image: "i"
      env { name: "MODE" valueFrom { configMapKeyRef { localObjectReference { name: "app-config" } key: "mode" } } }
      envFrom { prefix: "S_" secretRef { localObjectReference { name: "app-secret" } optional: false } } } })");
  const json container = decoded(envelope("v1", "Pod", pod))["spec"]["containers"][0];
  EXPECT_EQ(container["env"][0]["valueFrom"], json::parse(R"({"configMapKeyRef": {"name": "app-config", "key": "mode"}})"));
  EXPECT_EQ(container["envFrom"][0], json::parse(R"({"prefix": "S_", "secretRef": {"name": "app-secret", "optional": false}})"));
}

TEST(ProtobufBody, DecodeBodyTakesTheProtobufMediaType) {
  auto result = decode_body(fixture("kubectl_create_service_clusterip.pb"), "application/vnd.kubernetes.protobuf");
  ASSERT_TRUE(std::holds_alternative<json>(result));
  EXPECT_EQ(std::get<json>(result)["spec"]["type"], "ClusterIP");
}

TEST(ProtobufBody, SpecialFormsAndInlineMembers) {
  const std::string pod = encoded("k8s.io.api.core.v1.Pod", R"(
    metadata { name: "p" creationTimestamp { seconds: 1764460800 } deletionGracePeriodSeconds: 0
               annotations { key: "a" value: "" } }
    spec {
      terminationGracePeriodSeconds: 0
      containers {
        name: "c" image: "i"
        resources { limits { key: "memory" value { string: "64Mi" } } requests { key: "cpu" value { string: "250m" } } }
        readinessProbe { handler { httpGet { path: "/health" port { type: 1 strVal: "http" } } } periodSeconds: 2 }
        livenessProbe { handler { tcpSocket { port { intVal: 5000 } } } }
      }
    })");
  const json body = decoded(envelope("v1", "Pod", pod));
  EXPECT_EQ(body["metadata"]["creationTimestamp"], "2025-11-30T00:00:00Z");
  // Pointer fields keep their zero: a grace period of 0 means "at once", not "default".
  EXPECT_EQ(body["metadata"]["deletionGracePeriodSeconds"], 0);
  EXPECT_EQ(body["spec"]["terminationGracePeriodSeconds"], 0);
  EXPECT_EQ(body["metadata"]["annotations"], json({{"a", ""}}));
  const json& container = body["spec"]["containers"][0];
  EXPECT_EQ(container["resources"], json::parse(R"({"limits": {"memory": "64Mi"}, "requests": {"cpu": "250m"}})"));
  EXPECT_EQ(container["readinessProbe"], json::parse(R"({"httpGet": {"path": "/health", "port": "http"}, "periodSeconds": 2})"));
  EXPECT_EQ(container["livenessProbe"], json::parse(R"({"tcpSocket": {"port": 5000}})"));
}

TEST(ProtobufBody, MicroTimeKeepsMicroseconds) {
  const std::string event = encoded("k8s.io.api.core.v1.Event", R"(
    metadata { name: "e" } reason: "Started" eventTime { seconds: 1764460800 nanos: 123456789 })");
  EXPECT_EQ(decoded(envelope("v1", "Event", event))["eventTime"], "2025-11-30T00:00:00.123456Z");
}

TEST(ProtobufBody, ExplicitZeroReplicasIsKept) {
  const std::string deployment = encoded("k8s.io.api.apps.v1.Deployment", R"(metadata { name: "d" } spec { replicas: 0 })");
  EXPECT_EQ(decoded(envelope("apps/v1", "Deployment", deployment))["spec"], json({{"replicas", 0}}));
}

TEST(ProtobufBody, ScaleOfTheAutoscalingGroup) {
  const std::string scale = encoded("k8s.io.api.autoscaling.v1.Scale", R"(metadata { name: "web" } spec { replicas: 5 })");
  EXPECT_EQ(decoded(envelope("autoscaling/v1", "Scale", scale))["spec"]["replicas"], 5);
}

TEST(ProtobufBody, FieldsOrkestDoesNotDecodeAreNamedByNumber) {
  // PodSpec field 18 is affinity, which orkest does not decode.
  const std::string pod = length_delimited(2, length_delimited(18, length_delimited(1, "v")));
  EXPECT_EQ(error_of(envelope("v1", "Pod", pod)),
            "invalid protobuf body: field 18 of k8s.io.api.core.v1.PodSpec at spec: orkest does not decode this field");
}

TEST(ProtobufBody, VolumesMountsAndSecurityContextsDecodeAsTheirJson) {
  const std::string pod = encoded("k8s.io.api.core.v1.Pod", R"(
    metadata { name: "p" }
    spec {
      volumes { name: "cache" volumeSource { emptyDir { medium: "Memory" sizeLimit { string: "64Mi" } } } }
      volumes { name: "config" volumeSource { configMap { localObjectReference { name: "app" }
                                                         items { key: "a" path: "b" mode: 256 } defaultMode: 420 } } }
      volumes { name: "creds" volumeSource { secret { secretName: "db" optional: false } } }
      volumes { name: "logs" volumeSource { hostPath { path: "/srv/logs" type: "" } } }
      securityContext { runAsUser: 1000 fsGroup: 2000 supplementalGroups: 3000 }
      containers { name: "c" image: "i"
        volumeMounts { name: "cache" mountPath: "/cache" readOnly: true subPath: "x" }
        securityContext { capabilities { drop: "ALL" } allowPrivilegeEscalation: false runAsNonRoot: true } } })");
  const json spec = decoded(envelope("v1", "Pod", pod))["spec"];
  EXPECT_EQ(spec["volumes"], json::parse(R"([
      {"name": "cache", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
      {"name": "config", "configMap": {"name": "app", "items": [{"key": "a", "path": "b", "mode": 256}], "defaultMode": 420}},
      {"name": "creds", "secret": {"secretName": "db", "optional": false}},
      {"name": "logs", "hostPath": {"path": "/srv/logs", "type": ""}}])"));
  EXPECT_EQ(spec["securityContext"], json::parse(R"({"runAsUser": 1000, "fsGroup": 2000, "supplementalGroups": [3000]})"));
  EXPECT_EQ(spec["containers"][0]["volumeMounts"],
            json::parse(R"([{"name": "cache", "mountPath": "/cache", "readOnly": true, "subPath": "x"}])"));
  EXPECT_EQ(spec["containers"][0]["securityContext"],
            json::parse(R"({"capabilities": {"drop": ["ALL"]}, "allowPrivilegeEscalation": false, "runAsNonRoot": true})"));
}

TEST(ProtobufBody, TruncatedFieldNamesItsNumberAndPlace) {
  // metadata { name: "web" } with its last byte cut off.
  std::string deployment = length_delimited(1, length_delimited(1, "web"));
  deployment.resize(deployment.size() - 1);
  const auto message = error_of(envelope("apps/v1", "Deployment", deployment));
  EXPECT_NE(message.find("field 1 (metadata) of k8s.io.api.apps.v1.Deployment"), std::string::npos) << message;
  EXPECT_NE(message.find("runs past the end"), std::string::npos) << message;
}

TEST(ProtobufBody, WrongWireTypeIsRefused) {
  // replicas (DeploymentSpec field 1) as a length-delimited value.
  const std::string deployment = length_delimited(2, length_delimited(1, "3"));
  EXPECT_EQ(error_of(envelope("apps/v1", "Deployment", deployment)),
            "invalid protobuf body: field 1 (replicas) of k8s.io.api.apps.v1.DeploymentSpec at spec.replicas: wire type 2 "
            "where 0 belongs");
}

TEST(ProtobufBody, SingularFieldGivenTwiceIsRefused) {
  const std::string meta = length_delimited(1, "a") + length_delimited(1, "b");
  EXPECT_EQ(error_of(envelope("v1", "Pod", length_delimited(1, meta))),
            "invalid protobuf body: field 1 (name) of k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta at metadata.name: "
            "given twice");
}

TEST(ProtobufBody, TextMustBeUtf8) {
  const std::string meta = length_delimited(1, "\xff\xfe");
  EXPECT_NE(error_of(envelope("v1", "Pod", length_delimited(1, meta))).find("not valid UTF-8"), std::string::npos);
}

TEST(ProtobufBody, IntOrStringOfAnUnknownType) {
  const std::string port = varint_field(1, 7);
  const std::string service = length_delimited(2, length_delimited(1, length_delimited(4, port)));
  EXPECT_EQ(error_of(envelope("v1", "Service", service)),
            "invalid protobuf body: field 4 (targetPort) of k8s.io.api.core.v1.ServicePort at spec.ports[0].targetPort: "
            "IntOrString "
            "type 7 is neither 0 (int) nor 1 (string)");
}

TEST(ProtobufBody, TheEnvelopeIsRequired) {
  EXPECT_NE(error_of("{\"kind\": \"Pod\"}").find("envelope (the 4 bytes \"k8s\\0\")"), std::string::npos);
  EXPECT_NE(error_of(std::string("k8s\0", 4) + length_delimited(2, "")).find("names no apiVersion and kind"),
            std::string::npos);
  EXPECT_EQ(error_of(envelope("batch/v1", "Job", "")),
            "invalid protobuf body: orkest has no protobuf definition of batch/v1 Job; send it as JSON");
  EXPECT_NE(error_of(std::string("k8s\0", 4) + "\x0a\x05").find("envelope: field 1 (typeMeta)"), std::string::npos);
}

TEST(ProtobufBody, InvalidTagIsRefused) {
  EXPECT_NE(error_of(envelope("v1", "Pod", std::string("\0\0", 2))).find("invalid field tag in k8s.io.api.core.v1.Pod"),
            std::string::npos);
}

TEST(ProtobufBody, EveryServedKindHasAMessage) {
  for (const auto& kind : all_kinds())
    EXPECT_NE(message_for_kind(kind.api_version(), kind.kind), nullptr) << kind.api_version() << " " << kind.kind;
  EXPECT_NE(message_for_kind("autoscaling/v1", "Scale"), nullptr);
  EXPECT_EQ(message_for_kind("v1", ""), nullptr);
  EXPECT_EQ(message_for_kind("", "Pod"), nullptr);
}

}  // namespace
}  // namespace orkest::model::protobuf
