// Each rule of model/validation.hpp, with the field path and words Kubernetes uses.
#include "model/validation.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "model/defaults.hpp"

namespace orkest::model {
namespace {

using nlohmann::json;

std::string describe(const std::vector<status_cause>& causes) {
  std::string text;
  for (const auto& cause : causes) text += "\n  " + cause.reason + " " + cause.field + ": " + cause.message;
  return causes.empty() ? " (no causes)" : text;
}

// Validates `object` after Kubernetes' defaults, as the store does.
std::vector<status_cause> check(const char* kind_name, json object) {
  apply_defaults(*find_kind(kind_name), object);
  return validate(*find_kind(kind_name), object);
}

// The single cause expected from `object`.
status_cause only_cause(const char* kind_name, const json& object) {
  auto causes = check(kind_name, object);
  EXPECT_EQ(causes.size(), 1u) << describe(causes);
  return causes.empty() ? status_cause{} : causes.front();
}

void expect_cause(const status_cause& cause, const char* reason, const char* field, const std::string& message) {
  EXPECT_EQ(cause.reason, reason) << cause.field << ": " << cause.message;
  EXPECT_EQ(cause.field, field);
  EXPECT_EQ(cause.message, message);
}

json valid_pod() {
  return json::parse(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "ping", "namespace": "default",
      "labels": {"app": "ping"}, "annotations": {"example.com/owner": "team"}},
      "spec": {"containers": [{"name": "ping", "image": "ping:latest", "command": ["sh", "-c", "loop"],
                               "ports": [{"name": "http", "containerPort": 5000}],
                               "env": [{"name": "HEALTH_SERVICE", "value": "health-service:2000"}]}]}})");
}

json valid_replica_set() {
  return json::parse(R"({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "health-replicaset"},
      "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "health"}},
               "template": {"metadata": {"labels": {"app": "health"}},
                            "spec": {"containers": [{"name": "health", "image": "health:latest"}]}}}})");
}

json valid_service() {
  return json::parse(R"({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "health-service"},
      "spec": {"selector": {"app": "health"}, "ports": [{"protocol": "TCP", "port": 2000, "targetPort": 5000}],
               "type": "ClusterIP"}})");
}

json with(json object, const json::json_pointer& at, json value) {
  object[at] = std::move(value);
  return object;
}

json without(json object, const json::json_pointer& at) {
  object[at.parent_pointer()].erase(at.back());
  return object;
}

const std::string dns1123_label_message =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const std::string dns1123_subdomain_message =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

TEST(Validation, ValidObjectsHaveNoCauses) {
  EXPECT_TRUE(check("Pod", valid_pod()).empty()) << describe(check("Pod", valid_pod()));
  EXPECT_TRUE(check("ReplicaSet", valid_replica_set()).empty()) << describe(check("ReplicaSet", valid_replica_set()));
  EXPECT_TRUE(check("Service", valid_service()).empty()) << describe(check("Service", valid_service()));
  EXPECT_TRUE(check("Endpoints", json::parse(R"({"metadata": {"name": "health-service"}, "subsets": [
      {"addresses": [{"ip": "10.88.0.5"}], "ports": [{"port": 5000}]}]})"))
                  .empty());
}

// ---- metadata ----

TEST(Validation, NameOrGenerateNameIsRequired) {
  expect_cause(only_cause("Pod", without(valid_pod(), "/metadata/name"_json_pointer)), "FieldValueRequired",
               "metadata.name", "Required value: name or generateName is required");
  expect_cause(only_cause("Pod", with(valid_pod(), "/metadata/name"_json_pointer, "")), "FieldValueRequired",
               "metadata.name", "Required value: name or generateName is required");
  expect_cause(only_cause("Pod", without(valid_pod(), "/metadata"_json_pointer)), "FieldValueRequired", "metadata.name",
               "Required value: name or generateName is required");
  json generated = with(without(valid_pod(), "/metadata/name"_json_pointer), "/metadata/generateName"_json_pointer,
                        "health-replicaset-");
  EXPECT_TRUE(check("Pod", generated).empty()) << describe(check("Pod", generated));
}

TEST(Validation, NamesAreDnsSubdomains) {
  expect_cause(only_cause("Pod", with(valid_pod(), "/metadata/name"_json_pointer, "Foo_bar")), "FieldValueInvalid",
               "metadata.name", "Invalid value: \"Foo_bar\": " + dns1123_subdomain_message);
  EXPECT_TRUE(check("Pod", with(valid_pod(), "/metadata/name"_json_pointer, "web.v2")).empty());
  auto too_long = check("ReplicaSet", with(valid_replica_set(), "/metadata/name"_json_pointer, std::string(254, 'a')));
  ASSERT_EQ(too_long.size(), 1u) << describe(too_long);
  EXPECT_EQ(too_long[0].message,
            "Invalid value: \"" + std::string(254, 'a') + "\": must be no more than 253 characters");
  auto generate = only_cause(
      "Pod", with(without(valid_pod(), "/metadata/name"_json_pointer), "/metadata/generateName"_json_pointer, "Web-"));
  EXPECT_EQ(generate.field, "metadata.generateName");
}

TEST(Validation, ServiceNamesAreDns1035Labels) {
  auto cause = only_cause("Service", with(valid_service(), "/metadata/name"_json_pointer, "1health"));
  expect_cause(cause, "FieldValueInvalid", "metadata.name",
               "Invalid value: \"1health\": a DNS-1035 label must consist of lower case alphanumeric characters or "
               "'-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  "
               "or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
  EXPECT_EQ(only_cause("Service", with(valid_service(), "/metadata/name"_json_pointer, "a.b")).field, "metadata.name");
}

TEST(Validation, NamespaceIsADnsLabel) {
  expect_cause(only_cause("Pod", with(valid_pod(), "/metadata/namespace"_json_pointer, "My_ns")), "FieldValueInvalid",
               "metadata.namespace", "Invalid value: \"My_ns\": " + dns1123_label_message);
}

TEST(Validation, LabelKeysAndValues) {
  auto bad_key = only_cause("Pod", with(valid_pod(), "/metadata/labels"_json_pointer, {{"-app", "x"}}));
  EXPECT_EQ(bad_key.field, "metadata.labels");
  EXPECT_EQ(bad_key.message.rfind("Invalid value: \"-app\": name part must consist of alphanumeric characters", 0), 0u);
  auto bad_value = only_cause("Pod", with(valid_pod(), "/metadata/labels"_json_pointer, {{"app", "a b"}}));
  EXPECT_EQ(bad_value.field, "metadata.labels");
  EXPECT_EQ(bad_value.message.rfind("Invalid value: \"a b\": a valid label must be an empty string", 0), 0u);
  auto long_value =
      only_cause("Pod", with(valid_pod(), "/metadata/labels"_json_pointer, {{"app", std::string(64, 'x')}}));
  EXPECT_NE(long_value.message.find("must be no more than 63 characters"), std::string::npos);
  auto bad_prefix = check("Pod", with(valid_pod(), "/metadata/labels"_json_pointer, {{"Example.com/app", "x"}}));
  ASSERT_EQ(bad_prefix.size(), 1u) << describe(bad_prefix);
  EXPECT_NE(bad_prefix[0].message.find("prefix part a lowercase RFC 1123 subdomain"), std::string::npos);
  expect_cause(only_cause("Pod", with(valid_pod(), "/metadata/labels"_json_pointer, {{"replicas", 3}})),
               "FieldValueTypeInvalid", "metadata.labels[replicas]", "Invalid value: 3: must be of type string");
}

TEST(Validation, AnnotationKeysAndSize) {
  auto bad_key = only_cause("Pod", with(valid_pod(), "/metadata/annotations"_json_pointer, {{"a/b/c", "x"}}));
  EXPECT_EQ(bad_key.field, "metadata.annotations");
  EXPECT_EQ(bad_key.reason, "FieldValueInvalid");
  auto huge = only_cause(
      "Pod", with(valid_pod(), "/metadata/annotations"_json_pointer, {{"note", std::string(256 * 1024, 'x')}}));
  expect_cause(huge, "FieldValueTooLong", "metadata.annotations", "Too long: must have at most 262144 bytes");
  // Annotation values are free text, upper case keys are fine.
  EXPECT_TRUE(
      check("Pod", with(valid_pod(), "/metadata/annotations"_json_pointer, {{"Note", "any text at all!"}})).empty());
}

// ---- pods ----

TEST(Validation, ResourcesAreCpuAndMemoryQuantities) {
  auto with_resources = [](json resources) {
    return with(valid_pod(), "/spec/containers/0/resources"_json_pointer, std::move(resources));
  };
  auto causes = check("Pod", with_resources({{"limits", {{"cpu", "500m"}, {"memory", "64Mi"}}},
                                             {"requests", {{"cpu", 0.25}, {"memory", "32Mi"}}}}));
  EXPECT_TRUE(causes.empty()) << describe(causes);
  // (A request is given wherever a limit is wrong: the limit would be copied into it and be
  // wrong there too, as in Kubernetes.)
  expect_cause(only_cause("Pod", with_resources({{"limits", {{"memory", "64MB"}}}, {"requests", {{"memory", "32Mi"}}}})),
               "FieldValueInvalid",
               "spec.containers[0].resources.limits[memory]",
               "Invalid value: \"64MB\": must match the regular expression "
               "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  expect_cause(only_cause("Pod", with_resources({{"requests", {{"cpu", "-1"}}}})), "FieldValueInvalid",
               "spec.containers[0].resources.requests[cpu]", "Invalid value: \"-1\": must be greater than or equal to 0");
  expect_cause(only_cause("Pod", with_resources({{"limits", {{"cpu", "1"}}}, {"requests", {{"cpu", "2"}}}})),
               "FieldValueInvalid", "spec.containers[0].resources.requests",
               "Invalid value: \"2\": must be less than or equal to cpu limit of 1");
  expect_cause(only_cause("Pod", with_resources({{"requests", {{"ephemeral-storage", "1Gi"}}}})), "FieldValueNotSupported",
               "spec.containers[0].resources.requests[ephemeral-storage]",
               "Unsupported value: \"ephemeral-storage\": supported values: \"cpu\", \"memory\"");
  expect_cause(only_cause("Pod", with_resources({{"limits", {{"memory", "1Mi"}}}, {"requests", {{"memory", "1Mi"}}}})),
               "FieldValueInvalid",
               "spec.containers[0].resources.limits[memory]",
               "Invalid value: \"1Mi\": podman enforces no memory limit below 6Mi");
  expect_cause(only_cause("Pod", with_resources({{"limits", {{"cpu", "5m"}}}, {"requests", {{"cpu", "5m"}}}})),
               "FieldValueInvalid",
               "spec.containers[0].resources.limits[cpu]", "Invalid value: \"5m\": podman enforces no cpu limit below 10m");
  expect_cause(only_cause("Pod", with_resources({{"claims", json::array({{{"name", "gpu"}}})}})), "FieldValueForbidden",
               "spec.containers[0].resources.claims", "Forbidden: not supported by orkest (no dynamic resource allocation)");
}

TEST(Validation, EnvValueFromNamesOneSourceKubernetesCanRead) {
  auto with_env = [](const char* env) { return with(valid_pod(), "/spec/containers/0/env"_json_pointer, json::parse(env)); };
  auto causes = check("Pod", with_env(R"([{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
      {"name": "B", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "mode"}}},
      {"name": "C", "valueFrom": {"secretKeyRef": {"name": "s", "key": "p", "optional": true}}},
      {"name": "D", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}}])"));
  EXPECT_TRUE(causes.empty()) << describe(causes);
  expect_cause(only_cause("Pod", with_env(R"([{"name": "A", "valueFrom": {}}])")), "FieldValueInvalid",
               "spec.containers[0].env[0].valueFrom",
               "Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
               "`secretKeyRef`");
  expect_cause(only_cause("Pod", with_env(R"([{"name": "A", "value": "x",
      "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}])")),
               "FieldValueInvalid", "spec.containers[0].env[0].valueFrom",
               "Invalid value: \"\": may not be specified when `value` is not empty");
  const auto unsupported = only_cause("Pod", with_env(R"([{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "spec.x"}}}])"));
  EXPECT_EQ(unsupported.field, "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath");
  EXPECT_EQ(unsupported.reason, "FieldValueNotSupported");
  expect_cause(only_cause("Pod", with_env(R"([{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cfg"}}}])")),
               "FieldValueRequired", "spec.containers[0].env[0].valueFrom.configMapKeyRef.key", "Required value");
  auto both = with(valid_pod(), "/spec/containers/0/envFrom"_json_pointer,
                   json::parse(R"([{"configMapRef": {"name": "a"}, "secretRef": {"name": "b"}}])"));
  expect_cause(only_cause("Pod", both), "FieldValueInvalid", "spec.containers[0].envFrom[0]",
               "Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`");
}

TEST(Validation, HostIPIsAnAddressBesideAHostPort) {
  auto with_port = [](json port) { return with(valid_pod(), "/spec/containers/0/ports/0"_json_pointer, std::move(port)); };
  EXPECT_TRUE(check("Pod", with_port({{"containerPort", 5000}, {"hostPort", 8080}, {"hostIP", "127.0.0.1"}})).empty());
  EXPECT_TRUE(check("Pod", with_port({{"containerPort", 5000}, {"hostPort", 8080}, {"hostIP", "::1"}})).empty());
  expect_cause(only_cause("Pod", with_port({{"containerPort", 5000}, {"hostPort", 8080}, {"hostIP", "localhost"}})),
               "FieldValueInvalid", "spec.containers[0].ports[0].hostIP",
               "Invalid value: \"localhost\": must be a valid IP address");
  expect_cause(only_cause("Pod", with_port({{"containerPort", 5000}, {"hostIP", "127.0.0.1"}})), "FieldValueInvalid",
               "spec.containers[0].ports[0].hostIP", "Invalid value: \"127.0.0.1\": is published only with a hostPort");
}

TEST(Validation, SecurityContextWhatPodmanCanApply) {
  auto with_contexts = [](json pod_context, json container_context) {
    json pod = valid_pod();
    if (!pod_context.is_null()) pod["spec"]["securityContext"] = std::move(pod_context);
    if (!container_context.is_null()) pod["spec"]["containers"][0]["securityContext"] = std::move(container_context);
    return pod;
  };
  auto causes = check("Pod", with_contexts({{"runAsUser", 1000}, {"runAsGroup", 3000}, {"fsGroup", 2000},
                                            {"supplementalGroups", {4000}}, {"runAsNonRoot", true},
                                            {"seccompProfile", {{"type", "RuntimeDefault"}}}},
                                           {{"runAsUser", 1001}, {"readOnlyRootFilesystem", true},
                                            {"allowPrivilegeEscalation", false},
                                            {"capabilities", {{"add", {"NET_BIND_SERVICE"}}, {"drop", {"ALL"}}}}}));
  EXPECT_TRUE(causes.empty()) << describe(causes);
  expect_cause(only_cause("Pod", with_contexts({{"runAsUser", -1}}, nullptr)), "FieldValueInvalid",
               "spec.securityContext.runAsUser", "Invalid value: -1: must be between 0 and 2147483647, inclusive");
  EXPECT_TRUE(check("Pod", with_contexts(nullptr, {{"runAsGroup", 10}})).empty()) << "a group alone: the image's user";
  expect_cause(only_cause("Pod", with_contexts(nullptr, {{"privileged", true}, {"allowPrivilegeEscalation", false}})),
               "FieldValueInvalid", "spec.containers[0].securityContext.allowPrivilegeEscalation",
               "Invalid value: false: cannot set `allowPrivilegeEscalation` to false and `privileged` to true");
  expect_cause(only_cause("Pod", with_contexts({{"seccompProfile", {{"type", "Unconfined"}}}}, nullptr)),
               "FieldValueNotSupported", "spec.securityContext.seccompProfile.type",
               "Unsupported value: \"Unconfined\": supported values: \"RuntimeDefault\"");
  expect_cause(only_cause("Pod", with_contexts(nullptr, {{"seLinuxOptions", {{"level", "s0"}}}})), "FieldValueForbidden",
               "spec.containers[0].securityContext.seLinuxOptions", "Forbidden: not supported by orkest");
  expect_cause(only_cause("Pod", with_contexts(nullptr, {{"capabilities", {{"add", {"net admin"}}}}})),
               "FieldValueInvalid", "spec.containers[0].securityContext.capabilities.add[0]",
               "Invalid value: \"net admin\": must be a capability name such as NET_BIND_SERVICE (or ALL)");
}

TEST(Validation, PodNeedsContainers) {
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers"_json_pointer, json::array())),
               "FieldValueRequired", "spec.containers", "Required value");
  expect_cause(only_cause("Pod", without(valid_pod(), "/spec/containers"_json_pointer)), "FieldValueRequired",
               "spec.containers", "Required value");
  expect_cause(only_cause("Pod", without(valid_pod(), "/spec"_json_pointer)), "FieldValueRequired", "spec.containers",
               "Required value");
}

TEST(Validation, PodHasAtMostOneContainer) {
  json pod = valid_pod();
  pod["spec"]["containers"].push_back({{"name", "sidecar"}, {"image", "busybox"}});
  expect_cause(only_cause("Pod", pod), "FieldValueTooMany", "spec.containers",
               "Too many: 2: must have at most 1 items");
}

TEST(Validation, ContainerNameAndImage) {
  expect_cause(only_cause("Pod", without(valid_pod(), "/spec/containers/0/image"_json_pointer)), "FieldValueRequired",
               "spec.containers[0].image", "Required value");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/image"_json_pointer, "")), "FieldValueRequired",
               "spec.containers[0].image", "Required value");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/image"_json_pointer, " ping")),
               "FieldValueInvalid", "spec.containers[0].image",
               "Invalid value: \" ping\": must not have leading or trailing whitespace");
  expect_cause(only_cause("Pod", without(valid_pod(), "/spec/containers/0/name"_json_pointer)), "FieldValueRequired",
               "spec.containers[0].name", "Required value");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/name"_json_pointer, "Foo_bar")),
               "FieldValueInvalid", "spec.containers[0].name", "Invalid value: \"Foo_bar\": " + dns1123_label_message);
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/name"_json_pointer, "a.b")), "FieldValueInvalid",
               "spec.containers[0].name", "Invalid value: \"a.b\": must not contain dots");
}

// The image reaches podman's command line: only image references and archive paths pass.
TEST(Validation, ImageMustBeAnImageReference) {
  for (const char* good : {"health", "health:latest", "localhost/health:latest", "docker.io/library/busybox:1.35",
                           "registry.example.com:5000/team/app_x-y.z:v2.0-rc1", "a__b/c---d",
                           "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                           "docker-archive:/srv/images/base.tar", "oci-archive:/var/lib/x/y-1.2+3.tar"})
    EXPECT_TRUE(check("Pod", with(valid_pod(), "/spec/containers/0/image"_json_pointer, good)).empty()) << good;
  for (const char* bad : {"--privileged", "-v=/:/host", "Health", "health:", ":tag", "a//b", "a/-b", "health:-x",
                          "app@sha256:123", "docker-archive:relative.tar", "docker-archive:/srv/../etc/shadow",
                          "oci-archive:/x/", "docker-archive:/a b.tar", "host:port/x", "a\nb"}) {
    const auto cause = only_cause("Pod", with(valid_pod(), "/spec/containers/0/image"_json_pointer, bad));
    EXPECT_EQ(cause.reason, "FieldValueInvalid") << bad;
    EXPECT_EQ(cause.field, "spec.containers[0].image") << bad;
  }
  EXPECT_EQ(only_cause("Pod", with(valid_pod(), "/spec/containers/0/image"_json_pointer, "--privileged")).message,
            "Invalid value: \"--privileged\": must be an image reference such as 'nginx', 'nginx:1.25', "
            "'registry.example.com:5000/team/app:v2' or 'app@sha256:<64 hex digits>', or an archive such as "
            "'docker-archive:/srv/images/base.tar'");
}

// What orkest does not honour is refused, never stored and ignored.
TEST(Validation, UnhonouredSecurityFieldsAreForbidden) {
  const std::vector<std::pair<const char*, json>> refused = {
      {"/spec/hostNetwork", true},
      {"/spec/hostPID", true},
      {"/spec/hostIPC", true},
      {"/spec/securityContext", {{"sysctls", json::parse(R"([{"name": "net.core.somaxconn", "value": "1024"}])")}}},
      {"/spec/volumes", json::parse(R"([{"name": "claim", "nfs": {"server": "nas", "path": "/x"}}])")},
      {"/spec/containers/0/securityContext", {{"seLinuxOptions", {{"level", "s0:c123,c456"}}}}},
      {"/spec/containers/0/securityContext", {{"appArmorProfile", {{"type", "Unconfined"}}}}},
      {"/spec/containers/0/volumeDevices", json::parse(R"([{"name": "disk", "devicePath": "/dev/xvda"}])")}};
  for (const auto& [pointer, value] : refused) {
    const auto cause = only_cause("Pod", with(valid_pod(), json::json_pointer(pointer), value));
    EXPECT_EQ(cause.reason, "FieldValueForbidden") << pointer;
    EXPECT_NE(cause.message.find("not supported by orkest"), std::string::npos) << cause.message;
  }
  EXPECT_EQ(only_cause("Pod", with(valid_pod(), "/spec/hostNetwork"_json_pointer, true)).field, "spec.hostNetwork");
  EXPECT_EQ(only_cause("Pod", with(valid_pod(), "/spec/containers/0/securityContext"_json_pointer,
                                   {{"seLinuxOptions", {{"level", "s0"}}}})).field,
            "spec.containers[0].securityContext.seLinuxOptions");
  // privileged and capabilities beyond the baseline are this machine's to allow: the store's
  // admission (tests/store/object_store_test.cpp).
  // Asking for nothing passes: false, empty objects and lists, null.
  for (const auto& [pointer, value] : std::vector<std::pair<const char*, json>>{
           {"/spec/hostNetwork", false}, {"/spec/securityContext", json::object()}, {"/spec/volumes", json::array()},
           {"/spec/containers/0/securityContext", nullptr}})
    EXPECT_TRUE(check("Pod", with(valid_pod(), json::json_pointer(pointer), value)).empty()) << pointer;
  // The same rules hold in a ReplicaSet's template.
  EXPECT_EQ(only_cause("ReplicaSet", with(valid_replica_set(), "/spec/template/spec/hostPID"_json_pointer, true)).field,
            "spec.template.spec.hostPID");
}

json with_volumes(json volumes, json mounts = json::array()) {
  json pod = with(valid_pod(), "/spec/volumes"_json_pointer, std::move(volumes));
  return with(pod, "/spec/containers/0/volumeMounts"_json_pointer, std::move(mounts));
}

TEST(Validation, VolumesOfEverySupportedTypeAndTheirMountsPass) {
  EXPECT_TRUE(check("Pod", with_volumes(json::parse(R"([
      {"name": "cache", "emptyDir": {}},
      {"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
      {"name": "logs", "hostPath": {"path": "/srv/logs", "type": "DirectoryOrCreate"}},
      {"name": "config", "configMap": {"name": "app", "items": [{"key": "app.conf", "path": "conf/app.conf", "mode": 256}],
                                       "defaultMode": 420, "optional": true}},
      {"name": "creds", "secret": {"secretName": "db", "defaultMode": 256}}])"),
                                        json::parse(R"([
      {"name": "cache", "mountPath": "/cache"},
      {"name": "logs", "mountPath": "/logs", "subPath": "web/today", "readOnly": true},
      {"name": "config", "mountPath": "/etc/app"},
      {"name": "creds", "mountPath": "/run/secrets/db", "mountPropagation": "None"}])")))
                  .empty());
}

TEST(Validation, VolumesAreValidatedAsKubernetesValidatesThem) {
  expect_cause(only_cause("Pod", with_volumes(json::parse(R"([{"name": "a", "emptyDir": {}}, {"name": "a", "emptyDir": {}}])"))),
               "FieldValueDuplicate", "spec.volumes[1].name", "Duplicate value: \"a\"");
  expect_cause(only_cause("Pod", with_volumes(json::parse(R"([{"name": "a"}])"))), "FieldValueRequired", "spec.volumes[0]",
               "Required value: must specify a volume type");
  expect_cause(only_cause("Pod", with_volumes(json::parse(R"([{"name": "a", "emptyDir": {}, "hostPath": {"path": "/x"}}])"))),
               "FieldValueForbidden", "spec.volumes[0].hostPath", "Forbidden: may not specify more than 1 volume type");
  expect_cause(only_cause("Pod", with_volumes(json::parse(R"([{"name": "a", "emptyDir": {"medium": "HugePages"}}])"))),
               "FieldValueNotSupported", "spec.volumes[0].emptyDir.medium",
               "Unsupported value: \"HugePages\": supported values: \"\", \"Memory\"");
  expect_cause(only_cause("Pod", with_volumes(json::parse(R"([{"name": "a", "hostPath": {"path": "/srv/../etc"}}])"))),
               "FieldValueInvalid", "spec.volumes[0].hostPath.path", "Invalid value: \"/srv/../etc\": must not contain '..'");
  expect_cause(only_cause("Pod", with_volumes(json::parse(R"([{"name": "a", "hostPath": {"path": "/x", "type": "Pipe"}}])"))),
               "FieldValueNotSupported", "spec.volumes[0].hostPath.type",
               "Unsupported value: \"Pipe\": supported values: \"\", \"DirectoryOrCreate\", \"Directory\", "
               "\"FileOrCreate\", \"File\", \"Socket\", \"CharDevice\", \"BlockDevice\"");
  expect_cause(only_cause("Pod", with_volumes(json::parse(R"([{"name": "a", "configMap": {"name": "c", "defaultMode": 1000}}])"))),
               "FieldValueInvalid", "spec.volumes[0].configMap.defaultMode",
               "Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive");
  expect_cause(only_cause("Pod", with_volumes(json::parse(
                                     R"([{"name": "a", "configMap": {"name": "c", "items": [{"key": "k", "path": "a/../k"}]}}])"))),
               "FieldValueInvalid", "spec.volumes[0].configMap.items[0].path", "Invalid value: \"a/../k\": must not contain '..'");
  expect_cause(only_cause("Pod", with_volumes(json::parse(
                                     R"([{"name": "a", "configMap": {"name": "c", "items": [{"key": "k", "path": "..data"}]}}])"))),
               "FieldValueInvalid", "spec.volumes[0].configMap.items[0].path", "Invalid value: \"..data\": must not start with '..'");
  expect_cause(only_cause("Pod", with_volumes(json::parse(R"([{"name": "a", "secret": {}}])"))), "FieldValueRequired",
               "spec.volumes[0].secret.secretName", "Required value");
  // A disk emptyDir's sizeLimit would be a promise orkest does not keep.
  EXPECT_EQ(only_cause("Pod", with_volumes(json::parse(R"([{"name": "a", "emptyDir": {"sizeLimit": "1Gi"}}])"))).field,
            "spec.volumes[0].emptyDir.sizeLimit");
}

TEST(Validation, VolumeMountsNameAVolumeAndAUniqueAbsolutePath) {
  const json volumes = json::parse(R"([{"name": "data", "emptyDir": {}}])");
  expect_cause(only_cause("Pod", with_volumes(volumes, json::parse(R"([{"name": "other", "mountPath": "/d"}])"))),
               "FieldValueNotFound", "spec.containers[0].volumeMounts[0].name", "Not found: \"other\"");
  expect_cause(only_cause("Pod", with_volumes(volumes, json::parse(R"([{"name": "data", "mountPath": "/d"},
                                                                     {"name": "data", "mountPath": "/d"}])"))),
               "FieldValueInvalid", "spec.containers[0].volumeMounts[1].mountPath", "Invalid value: \"/d\": must be unique");
  expect_cause(only_cause("Pod", with_volumes(volumes, json::parse(R"([{"name": "data", "mountPath": "/d", "subPath": "/etc"}])"))),
               "FieldValueInvalid", "spec.containers[0].volumeMounts[0].subPath",
               "Invalid value: \"/etc\": must be a relative path");
  expect_cause(only_cause("Pod", with_volumes(volumes, json::parse(R"([{"name": "data", "mountPath": "/d", "subPath": "a/../.."}])"))),
               "FieldValueInvalid", "spec.containers[0].volumeMounts[0].subPath",
               "Invalid value: \"a/../..\": must not contain '..'");
  // podman's --mount separates its options with commas: such a path is refused, not split.
  expect_cause(only_cause("Pod", with_volumes(volumes, json::parse(R"([{"name": "data", "mountPath": "/d,ro=false"}])"))),
               "FieldValueInvalid", "spec.containers[0].volumeMounts[0].mountPath",
               "Invalid value: \"/d,ro=false\": must not contain ',' (podman's mount option separator)");
  EXPECT_EQ(only_cause("Pod", with_volumes(volumes, json::parse(R"([{"name": "data", "mountPath": "relative"}])"))).field,
            "spec.containers[0].volumeMounts[0].mountPath");
  EXPECT_EQ(only_cause("Pod", with_volumes(volumes, json::parse(
                                                         R"([{"name": "data", "mountPath": "/d", "mountPropagation": "Bidirectional"}])")))
                .reason,
            "FieldValueNotSupported");
  EXPECT_EQ(only_cause("Pod", with_volumes(volumes, json::parse(R"json([{"name": "data", "mountPath": "/d", "subPathExpr": "$(POD)"}])json")))
                .reason,
            "FieldValueForbidden");
}

TEST(Validation, ContainerPolicies) {
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/imagePullPolicy"_json_pointer, "Sometimes")),
               "FieldValueNotSupported", "spec.containers[0].imagePullPolicy",
               "Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/restartPolicy"_json_pointer, "Sometimes")),
               "FieldValueNotSupported", "spec.restartPolicy",
               "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"");
  for (const char* policy : {"Always", "OnFailure", "Never"})
    EXPECT_TRUE(check("Pod", with(valid_pod(), "/spec/restartPolicy"_json_pointer, policy)).empty()) << policy;
  EXPECT_EQ(only_cause("Pod", with(valid_pod(), "/spec/dnsPolicy"_json_pointer, "Google")).field, "spec.dnsPolicy");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/terminationGracePeriodSeconds"_json_pointer, -1)),
               "FieldValueInvalid", "spec.terminationGracePeriodSeconds",
               "Invalid value: -1: must be greater than or equal to 0");
}

TEST(Validation, ContainerPorts) {
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/ports/0/containerPort"_json_pointer, 70000)),
               "FieldValueInvalid", "spec.containers[0].ports[0].containerPort",
               "Invalid value: 70000: must be between 1 and 65535, inclusive");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/ports/0/containerPort"_json_pointer, 0)),
               "FieldValueRequired", "spec.containers[0].ports[0].containerPort", "Required value");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/ports/0/containerPort"_json_pointer, "5000")),
               "FieldValueTypeInvalid", "spec.containers[0].ports[0].containerPort",
               "Invalid value: \"5000\": must be of type integer");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/ports/0/protocol"_json_pointer, "HTTP")),
               "FieldValueNotSupported", "spec.containers[0].ports[0].protocol",
               "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/ports/0/hostPort"_json_pointer, 99999)),
               "FieldValueInvalid", "spec.containers[0].ports[0].hostPort",
               "Invalid value: 99999: must be between 1 and 65535, inclusive");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/ports/0/name"_json_pointer, "web--1")),
               "FieldValueInvalid", "spec.containers[0].ports[0].name",
               "Invalid value: \"web--1\": must not contain consecutive hyphens");
  json twice = valid_pod();
  twice["spec"]["containers"][0]["ports"].push_back({{"name", "http"}, {"containerPort", 5001}});
  expect_cause(only_cause("Pod", twice), "FieldValueDuplicate", "spec.containers[0].ports[1].name",
               "Duplicate value: \"http\"");
}

TEST(Validation, EnvironmentVariables) {
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/env/0/name"_json_pointer, "1ST")),
               "FieldValueInvalid", "spec.containers[0].env[0].name",
               "Invalid value: \"1ST\": a valid environment variable name must consist of alphabetic characters, "
               "digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  "
               "or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')");
  expect_cause(only_cause("Pod", without(valid_pod(), "/spec/containers/0/env/0/name"_json_pointer)),
               "FieldValueRequired", "spec.containers[0].env[0].name", "Required value");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/env/0/value"_json_pointer, 5)),
               "FieldValueTypeInvalid", "spec.containers[0].env[0].value", "Invalid value: 5: must be of type string");
  // The example's variable has a value: a valueFrom beside it is refused, as Kubernetes does.
  EXPECT_EQ(only_cause("Pod", with(valid_pod(), "/spec/containers/0/env/0/valueFrom"_json_pointer,
                                   {{"fieldRef", {{"fieldPath", "metadata.name"}}}}))
                .message,
            "Invalid value: \"\": may not be specified when `value` is not empty");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/env"_json_pointer, {{"A", {1}}})),
               "FieldValueTypeInvalid", "spec.containers[0].env", "Invalid value: {\"A\":[1]}: must be of type array");
}

TEST(Validation, CommandAndArgsAreStringLists) {
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/command"_json_pointer, "sh -c loop")),
               "FieldValueTypeInvalid", "spec.containers[0].command",
               "Invalid value: \"sh -c loop\": must be of type array");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers/0/args"_json_pointer, {"-n", 3})),
               "FieldValueTypeInvalid", "spec.containers[0].args[1]", "Invalid value: 3: must be of type string");
}

TEST(Validation, WrongTypesAreCausesNotExceptions) {
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers"_json_pointer, {{"name", "x"}})),
               "FieldValueTypeInvalid", "spec.containers", "Invalid value: {\"name\":\"x\"}: must be of type array");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec/containers"_json_pointer, {"ping"})), "FieldValueTypeInvalid",
               "spec.containers[0]", "Invalid value: \"ping\": must be of type object");
  expect_cause(only_cause("Pod", with(valid_pod(), "/spec"_json_pointer, "x")), "FieldValueTypeInvalid", "spec",
               "Invalid value: \"x\": must be of type object");
  expect_cause(only_cause("Pod", with(valid_pod(), "/metadata/name"_json_pointer, 7)), "FieldValueTypeInvalid",
               "metadata.name", "Invalid value: 7: must be of type string");
  expect_cause(only_cause("Pod", with(valid_pod(), "/metadata"_json_pointer, "ping")), "FieldValueTypeInvalid",
               "metadata", "Invalid value: \"ping\": must be of type object");
}

TEST(Validation, NothingThrowsWhateverTheShape) {
  const json odd_values[] = {nullptr,
                             5,
                             -1,
                             1.5,
                             "x",
                             "",
                             true,
                             json::array(),
                             json::object(),
                             {1, "a"},
                             {{"a", {{"b", 1}}}},
                             18446744073709551615ull};
  const char* places[] = {"",
                          "/metadata",
                          "/metadata/name",
                          "/metadata/labels",
                          "/metadata/annotations",
                          "/spec",
                          "/spec/replicas",
                          "/spec/selector",
                          "/spec/selector/matchLabels",
                          "/spec/selector/matchExpressions",
                          "/spec/template",
                          "/spec/template/metadata",
                          "/spec/template/spec",
                          "/spec/containers",
                          "/spec/containers/0",
                          "/spec/containers/0/ports",
                          "/spec/containers/0/ports/0",
                          "/spec/containers/0/env",
                          "/spec/ports",
                          "/spec/ports/0",
                          "/spec/ports/0/targetPort",
                          "/spec/type",
                          "/subsets",
                          "/subsets/0/addresses"};
  for (const char* kind : {"Pod", "ReplicaSet", "Service", "Endpoints"}) {
    json base = std::string(kind) == "Pod"       ? valid_pod()
                : std::string(kind) == "Service" ? valid_service()
                                                 : valid_replica_set();
    for (const char* place : places) {
      for (const auto& value : odd_values) {
        json object = base;
        try {
          if (std::string(place).empty())
            object = value;
          else
            object[json::json_pointer(place)] = value;
        } catch (const json::exception&) {
          continue;  // the place does not exist in this shape
        }
        EXPECT_NO_THROW(validate(*find_kind(kind), object)) << kind << " " << place << " = " << value.dump();
        EXPECT_NO_THROW(check(kind, object)) << kind << " " << place << " = " << value.dump();
      }
    }
  }
}

// ---- replica sets ----

TEST(Validation, ReplicasMustBeANonNegativeInteger) {
  expect_cause(only_cause("ReplicaSet", with(valid_replica_set(), "/spec/replicas"_json_pointer, -1)),
               "FieldValueInvalid", "spec.replicas", "Invalid value: -1: must be greater than or equal to 0");
  expect_cause(only_cause("ReplicaSet", with(valid_replica_set(), "/spec/replicas"_json_pointer, "three")),
               "FieldValueTypeInvalid", "spec.replicas", "Invalid value: \"three\": must be of type integer");
  expect_cause(only_cause("ReplicaSet", with(valid_replica_set(), "/spec/replicas"_json_pointer, 2.5)),
               "FieldValueTypeInvalid", "spec.replicas", "Invalid value: 2.5: must be of type integer");
  EXPECT_TRUE(check("ReplicaSet", with(valid_replica_set(), "/spec/replicas"_json_pointer, 0)).empty());
}

TEST(Validation, SelectorIsRequiredAndNotEmpty) {
  expect_cause(only_cause("ReplicaSet", without(valid_replica_set(), "/spec/selector"_json_pointer)),
               "FieldValueRequired", "spec.selector", "Required value");
  expect_cause(only_cause("ReplicaSet", with(valid_replica_set(), "/spec/selector"_json_pointer, json::object())),
               "FieldValueRequired", "spec.selector", "Required value: empty selector is invalid for a ReplicaSet");
}

TEST(Validation, SelectorErrorsNameTheirField) {
  auto cause = only_cause("ReplicaSet", with(valid_replica_set(), "/spec/selector"_json_pointer,
                                             json::parse(R"({"matchExpressions": [{"key": "app", "operator": "Foo",
                                                                                   "values": ["health"]}]})")));
  expect_cause(cause, "FieldValueNotSupported", "spec.selector.matchExpressions[0].operator",
               "Unsupported value: \"Foo\": supported values: \"DoesNotExist\", \"Exists\", \"In\", \"NotIn\"");
}

TEST(Validation, TemplateLabelsMustMatchTheSelector) {
  expect_cause(only_cause("ReplicaSet",
                          with(valid_replica_set(), "/spec/template/metadata/labels"_json_pointer, {{"app", "other"}})),
               "FieldValueInvalid", "spec.template.metadata.labels",
               "Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`");
  expect_cause(only_cause("ReplicaSet", without(valid_replica_set(), "/spec/template/metadata"_json_pointer)),
               "FieldValueInvalid", "spec.template.metadata.labels",
               "Invalid value: {}: `selector` does not match template `labels`");
  json expressions = with(valid_replica_set(), "/spec/selector"_json_pointer,
                          json::parse(R"({"matchExpressions": [{"key": "app", "operator": "In",
                                                                "values": ["health", "web"]}]})"));
  EXPECT_TRUE(check("ReplicaSet", expressions).empty()) << describe(check("ReplicaSet", expressions));
}

TEST(Validation, TemplateIsRequiredAndValidatedAsAPodSpec) {
  expect_cause(only_cause("ReplicaSet", without(valid_replica_set(), "/spec/template"_json_pointer)),
               "FieldValueRequired", "spec.template", "Required value");
  expect_cause(
      only_cause("ReplicaSet", without(valid_replica_set(), "/spec/template/spec/containers/0/image"_json_pointer)),
      "FieldValueRequired", "spec.template.spec.containers[0].image", "Required value");
  expect_cause(only_cause("ReplicaSet",
                          with(valid_replica_set(), "/spec/template/spec/containers/0/name"_json_pointer, "Health")),
               "FieldValueInvalid", "spec.template.spec.containers[0].name",
               "Invalid value: \"Health\": " + dns1123_label_message);
  auto labels =
      check("ReplicaSet", with(valid_replica_set(), "/spec/template/metadata/labels/bad key"_json_pointer, "x"));
  ASSERT_EQ(labels.size(), 1u) << describe(labels);
  EXPECT_EQ(labels[0].field, "spec.template.metadata.labels");
}

TEST(Validation, TemplatePodsMustRestartAlways) {
  expect_cause(
      only_cause("ReplicaSet", with(valid_replica_set(), "/spec/template/spec/restartPolicy"_json_pointer, "Never")),
      "FieldValueNotSupported", "spec.template.spec.restartPolicy",
      "Unsupported value: \"Never\": supported values: \"Always\"");
}

// ---- services ----

TEST(Validation, ServiceNeedsPorts) {
  expect_cause(only_cause("Service", without(valid_service(), "/spec/ports"_json_pointer)), "FieldValueRequired",
               "spec.ports", "Required value");
  expect_cause(only_cause("Service", with(valid_service(), "/spec/ports"_json_pointer, json::array())),
               "FieldValueRequired", "spec.ports", "Required value");
}

TEST(Validation, ServicePortNumbers) {
  expect_cause(only_cause("Service", with(valid_service(), "/spec/ports/0/port"_json_pointer, 0)), "FieldValueInvalid",
               "spec.ports[0].port", "Invalid value: 0: must be between 1 and 65535, inclusive");
  expect_cause(only_cause("Service", with(valid_service(), "/spec/ports/0/port"_json_pointer, 65536)),
               "FieldValueInvalid", "spec.ports[0].port",
               "Invalid value: 65536: must be between 1 and 65535, inclusive");
  expect_cause(only_cause("Service", without(valid_service(), "/spec/ports/0/port"_json_pointer)), "FieldValueRequired",
               "spec.ports[0].port", "Required value");
  expect_cause(only_cause("Service", with(valid_service(), "/spec/ports/0/targetPort"_json_pointer, 70000)),
               "FieldValueInvalid", "spec.ports[0].targetPort",
               "Invalid value: 70000: must be between 1 and 65535, inclusive");
}

TEST(Validation, ServiceTargetPortMayBeAName) {
  EXPECT_TRUE(check("Service", with(valid_service(), "/spec/ports/0/targetPort"_json_pointer, "http")).empty());
  expect_cause(only_cause("Service", with(valid_service(), "/spec/ports/0/targetPort"_json_pointer, "5000")),
               "FieldValueInvalid", "spec.ports[0].targetPort",
               "Invalid value: \"5000\": must contain at least one letter (a-z)");
  expect_cause(only_cause("Service", with(valid_service(), "/spec/ports/0/targetPort"_json_pointer, true)),
               "FieldValueTypeInvalid", "spec.ports[0].targetPort",
               "Invalid value: true: must be of type integer or string");
}

TEST(Validation, ServiceProtocolIsTcpOnly) {
  for (const char* protocol : {"UDP", "SCTP"}) {
    expect_cause(only_cause("Service", with(valid_service(), "/spec/ports/0/protocol"_json_pointer, protocol)),
                 "FieldValueNotSupported", "spec.ports[0].protocol",
                 std::string("Unsupported value: \"") + protocol + "\": supported values: \"TCP\"");
  }
}

TEST(Validation, ServiceTypesAreClusterIpNodePortAndLoadBalancer) {
  expect_cause(only_cause("Service", with(valid_service(), "/spec/type"_json_pointer, "ExternalName")),
               "FieldValueNotSupported", "spec.type",
               "Unsupported value: \"ExternalName\": supported values: \"ClusterIP\", \"NodePort\", \"LoadBalancer\"");
  expect_cause(only_cause("Service", with(valid_service(), "/spec/ports/0/nodePort"_json_pointer, 30000)),
               "FieldValueForbidden", "spec.ports[0].nodePort",
               "Forbidden: may not be used when `type` is 'ClusterIP'");
  for (const char* type : {"NodePort", "LoadBalancer"}) {
    json service = with(valid_service(), "/spec/type"_json_pointer, type);
    EXPECT_TRUE(check("Service", service).empty()) << describe(check("Service", service));
    EXPECT_TRUE(check("Service", with(service, "/spec/ports/0/nodePort"_json_pointer, 30000)).empty());
    EXPECT_EQ(only_cause("Service", with(service, "/spec/ports/0/nodePort"_json_pointer, 70000)).field,
              "spec.ports[0].nodePort");
    EXPECT_TRUE(check("Service", with(service, "/spec/externalTrafficPolicy"_json_pointer, "Local")).empty());
    expect_cause(only_cause("Service", with(service, "/spec/externalTrafficPolicy"_json_pointer, "Nearby")),
                 "FieldValueNotSupported", "spec.externalTrafficPolicy",
                 "Unsupported value: \"Nearby\": supported values: \"Cluster\", \"Local\"");
    // No health check port: the load balancer's status follows the pods itself.
    json local = with(service, "/spec/externalTrafficPolicy"_json_pointer, "Local");
    expect_cause(only_cause("Service", with(local, "/spec/healthCheckNodePort"_json_pointer, 30100)),
                 "FieldValueForbidden", "spec.healthCheckNodePort",
                 "Forbidden: not allocated by orkest: its load balancer lists only the nodes with ready pods");
  }
  // Traffic from outside only reaches NodePort and LoadBalancer Services.
  expect_cause(only_cause("Service", with(valid_service(), "/spec/externalTrafficPolicy"_json_pointer, "Local")),
               "FieldValueInvalid", "spec.externalTrafficPolicy",
               "Invalid value: \"Local\": may only be set for externally-accessible services");
  EXPECT_EQ(only_cause("Service", with(valid_service(), "/spec/sessionAffinity"_json_pointer, "Sticky")).field,
            "spec.sessionAffinity");
}

// What orkest does not act on is refused, naming the field; the values Kubernetes defaults these
// fields to (as an exported manifest carries them) pass.
TEST(Validation, ServiceFieldsOrkestDoesNotHonourAreRefused) {
  json exported = valid_service();
  exported["spec"]["internalTrafficPolicy"] = "Cluster";
  exported["spec"]["ipFamilies"] = {"IPv4"};
  exported["spec"]["ipFamilyPolicy"] = "SingleStack";
  exported["spec"]["externalIPs"] = json::array();
  exported["spec"]["publishNotReadyAddresses"] = true;
  EXPECT_TRUE(check("Service", exported).empty()) << describe(check("Service", exported));
  expect_cause(only_cause("Service", with(valid_service(), "/spec/internalTrafficPolicy"_json_pointer, "Local")),
               "FieldValueNotSupported", "spec.internalTrafficPolicy",
               "Unsupported value: \"Local\": supported values: \"Cluster\"");
  expect_cause(only_cause("Service", with(valid_service(), "/spec/ipFamilies"_json_pointer, json{"IPv6"})),
               "FieldValueNotSupported", "spec.ipFamilies[0]", "Unsupported value: \"IPv6\": supported values: \"IPv4\"");
  EXPECT_EQ(only_cause("Service", with(valid_service(), "/spec/ipFamilyPolicy"_json_pointer, "RequireDualStack")).field,
            "spec.ipFamilyPolicy");
  expect_cause(only_cause("Service", with(valid_service(), "/spec/externalIPs"_json_pointer, json{"192.0.2.10"})),
               "FieldValueForbidden", "spec.externalIPs",
               "Forbidden: not supported by orkest: a node accepts a Service's traffic on its own addresses only");
  json balanced = with(valid_service(), "/spec/type"_json_pointer, "LoadBalancer");
  EXPECT_EQ(only_cause("Service", with(balanced, "/spec/loadBalancerSourceRanges"_json_pointer, json{"10.0.0.0/8"})).field,
            "spec.loadBalancerSourceRanges");
  EXPECT_EQ(only_cause("Service", with(balanced, "/spec/loadBalancerIP"_json_pointer, "192.0.2.1")).field,
            "spec.loadBalancerIP");
  EXPECT_EQ(only_cause("Service", with(balanced, "/spec/loadBalancerClass"_json_pointer, "example.com/lb")).field,
            "spec.loadBalancerClass");
  EXPECT_EQ(only_cause("Service", with(balanced, "/spec/allocateLoadBalancerNodePorts"_json_pointer, false)).field,
            "spec.allocateLoadBalancerNodePorts");
  EXPECT_TRUE(check("Service", with(balanced, "/spec/allocateLoadBalancerNodePorts"_json_pointer, true)).empty());
  EXPECT_EQ(only_cause("Service", with(valid_service(), "/spec/publishNotReadyAddresses"_json_pointer, "yes")).field,
            "spec.publishNotReadyAddresses");
}

TEST(Validation, ClientIpSessionAffinityTakesATimeoutUpToADay) {
  json sticky = with(valid_service(), "/spec/sessionAffinity"_json_pointer, "ClientIP");
  EXPECT_TRUE(check("Service", sticky).empty()) << describe(check("Service", sticky));
  const auto timeout = "/spec/sessionAffinityConfig/clientIP/timeoutSeconds"_json_pointer;
  EXPECT_TRUE(check("Service", with(sticky, timeout, 60)).empty());
  for (int bad : {0, 86401})
    expect_cause(only_cause("Service", with(sticky, timeout, bad)), "FieldValueInvalid",
                 "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                 "Invalid value: " + std::to_string(bad) + ": must be greater than 0 and less than 86400");
  expect_cause(only_cause("Service", with(valid_service(), timeout, 60)), "FieldValueForbidden", "spec.sessionAffinityConfig",
               "Forbidden: must not be set when `sessionAffinity` is None");
}

TEST(Validation, SeveralServicePortsNeedUniqueNames) {
  json service = valid_service();
  service["spec"]["ports"].push_back({{"port", 2001}});
  auto causes = check("Service", service);
  ASSERT_EQ(causes.size(), 2u) << describe(causes);
  expect_cause(causes[0], "FieldValueRequired", "spec.ports[0].name", "Required value");
  expect_cause(causes[1], "FieldValueRequired", "spec.ports[1].name", "Required value");

  service["spec"]["ports"][0]["name"] = "web";
  service["spec"]["ports"][1]["name"] = "web";
  expect_cause(only_cause("Service", service), "FieldValueDuplicate", "spec.ports[1].name", "Duplicate value: \"web\"");

  service["spec"]["ports"][1]["name"] = "admin";
  service["spec"]["ports"][1]["port"] = 2000;
  expect_cause(only_cause("Service", service), "FieldValueDuplicate", "spec.ports[1]",
               "Duplicate value: {\"port\":2000,\"protocol\":\"TCP\"}");
}

TEST(Validation, ServiceSelectorIsALabelMap) {
  EXPECT_EQ(only_cause("Service", with(valid_service(), "/spec/selector"_json_pointer, {{"app", "a b"}})).field,
            "spec.selector");
  expect_cause(only_cause("Service", with(valid_service(), "/spec/selector"_json_pointer, "app=health")),
               "FieldValueTypeInvalid", "spec.selector", "Invalid value: \"app=health\": must be of type object");
  EXPECT_TRUE(check("Service", without(valid_service(), "/spec/selector"_json_pointer)).empty());
}

// ---- endpoints ----

TEST(Validation, EndpointsPortsAndAddresses) {
  auto causes = check("Endpoints", json::parse(R"({"metadata": {"name": "web"}, "subsets": [
      {"addresses": [{"hostname": "x"}], "ports": [{"port": 0}]}]})"));
  ASSERT_EQ(causes.size(), 2u) << describe(causes);
  expect_cause(causes[0], "FieldValueRequired", "subsets[0].addresses[0].ip", "Required value");
  expect_cause(causes[1], "FieldValueInvalid", "subsets[0].ports[0].port",
               "Invalid value: 0: must be between 1 and 65535, inclusive");
}

// ---- name checks for the router ----

TEST(Validation, NameChecks) {
  EXPECT_TRUE(is_dns1123_label("health-service"));
  EXPECT_TRUE(is_dns1123_label("1abc"));
  EXPECT_FALSE(is_dns1123_label("a.b"));
  EXPECT_FALSE(is_dns1123_label("-a"));
  EXPECT_FALSE(is_dns1123_label("a-"));
  EXPECT_FALSE(is_dns1123_label("Ab"));
  EXPECT_FALSE(is_dns1123_label(""));
  EXPECT_TRUE(is_dns1123_label(std::string(63, 'a')));
  EXPECT_FALSE(is_dns1123_label(std::string(64, 'a')));
  EXPECT_TRUE(is_dns1123_subdomain("a.b-c.d"));
  EXPECT_FALSE(is_dns1123_subdomain("a..b"));
  EXPECT_FALSE(is_dns1123_subdomain(".a"));
  EXPECT_FALSE(is_dns1123_subdomain("a_b"));
  EXPECT_FALSE(is_dns1123_subdomain(std::string(254, 'a')));
  // Checking a megabyte-long name is a length error, not a stack overflow.
  EXPECT_FALSE(is_dns1123_subdomain(std::string(1 << 20, 'a')));
}

}  // namespace
}  // namespace orkest::model

namespace orkest::model {
namespace {

json with_probe(const char* field, json probe) {
  return with(valid_pod(), json::json_pointer(std::string("/spec/containers/0/") + field), std::move(probe));
}

TEST(Validation, ProbesWithEachHandlerAreValid) {
  for (const char* probe : {R"({"httpGet": {"path": "/health", "port": "http"}})",
                            R"({"tcpSocket": {"port": 5000}, "periodSeconds": 1, "failureThreshold": 1})",
                            R"({"exec": {"command": ["cat", "/tmp/ready"]}, "terminationGracePeriodSeconds": 5})"})
    for (const char* field : {"livenessProbe", "startupProbe"})
      EXPECT_TRUE(check("Pod", with_probe(field, json::parse(probe))).empty()) << field << " " << probe;
  EXPECT_TRUE(check("Pod", with_probe("readinessProbe", json::parse(R"({"httpGet": {"port": 5000},
                                                                        "successThreshold": 3})")))
                  .empty());
}

TEST(Validation, ProbesGetKubernetesDefaults) {
  json pod = with_probe("readinessProbe", json::parse(R"({"httpGet": {"port": 5000}})"));
  apply_defaults(*find_kind("Pod"), pod);
  const json& probe = pod["spec"]["containers"][0]["readinessProbe"];
  EXPECT_EQ(probe["timeoutSeconds"], 1);
  EXPECT_EQ(probe["periodSeconds"], 10);
  EXPECT_EQ(probe["successThreshold"], 1);
  EXPECT_EQ(probe["failureThreshold"], 3);
  EXPECT_EQ(probe["httpGet"]["path"], "/");
  EXPECT_EQ(probe["httpGet"]["scheme"], "HTTP");
}

TEST(Validation, ProbeRules) {
  const char* at = "spec.containers[0].livenessProbe";
  expect_cause(only_cause("Pod", with_probe("livenessProbe", json::object())), "FieldValueRequired", at,
               "Required value: must specify a handler type");
  expect_cause(only_cause("Pod", with_probe("livenessProbe", json::parse(R"({"tcpSocket": {"port": 1},
                                                                              "exec": {"command": ["true"]}})"))),
               "FieldValueForbidden", at, "Forbidden: may not specify more than 1 handler type");
  expect_cause(only_cause("Pod", with_probe("livenessProbe", json::parse(R"({"tcpSocket": {"port": 1},
                                                                              "successThreshold": 2})"))),
               "FieldValueInvalid", "spec.containers[0].livenessProbe.successThreshold", "Invalid value: 2: must be 1");
  expect_cause(only_cause("Pod", with_probe("livenessProbe", json::parse(R"({"tcpSocket": {"port": 1},
                                                                              "periodSeconds": -1})"))),
               "FieldValueInvalid", "spec.containers[0].livenessProbe.periodSeconds",
               "Invalid value: -1: must be greater than or equal to 1");
  expect_cause(only_cause("Pod", with_probe("livenessProbe", json::parse(R"({"tcpSocket": {"port": 70000}})"))),
               "FieldValueInvalid", "spec.containers[0].livenessProbe.tcpSocket.port",
               "Invalid value: 70000: must be between 1 and 65535, inclusive");
  expect_cause(only_cause("Pod", with_probe("livenessProbe", json::parse(R"({"httpGet": {"port": "metrics"}})"))),
               "FieldValueInvalid", "spec.containers[0].livenessProbe.httpGet.port",
               "Invalid value: \"metrics\": must be the name of one of the container's ports");
  expect_cause(only_cause("Pod", with_probe("livenessProbe", json::parse(R"({"exec": {"command": []}})"))),
               "FieldValueRequired", "spec.containers[0].livenessProbe.exec.command", "Required value");
  expect_cause(only_cause("Pod", with_probe("readinessProbe", json::parse(R"({"exec": {"command": ["true"]},
                                                                               "terminationGracePeriodSeconds": 3})"))),
               "FieldValueInvalid", "spec.containers[0].readinessProbe.terminationGracePeriodSeconds",
               "Invalid value: 3: must not be set for readinessProbes");
  expect_cause(
      only_cause("Pod", with_probe("livenessProbe",
                                   json::parse(R"({"httpGet": {"port": 1, "httpHeaders": [{"name": "a b", "value": ""}]}})"))),
      "FieldValueInvalid", "spec.containers[0].livenessProbe.httpGet.httpHeaders[0].name",
      "Invalid value: \"a b\": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', "
      "regex used for validation is '[-A-Za-z0-9]+')");
}

TEST(Validation, ProbesOrkestCannotMakeAreRefused) {
  expect_cause(only_cause("Pod", with_probe("livenessProbe", json::parse(R"({"grpc": {"port": 1}})"))),
               "FieldValueForbidden", "spec.containers[0].livenessProbe.grpc",
               "Forbidden: not supported by orkest: use httpGet, tcpSocket or exec");
  expect_cause(only_cause("Pod", with_probe("livenessProbe", json::parse(R"({"httpGet": {"port": 1, "scheme": "HTTPS"}})"))),
               "FieldValueForbidden", "spec.containers[0].livenessProbe.httpGet.scheme",
               "Forbidden: not supported by orkest: HTTP probes only");
  expect_cause(only_cause("Pod", with_probe("livenessProbe", json::parse(R"({"tcpSocket": {"port": 1, "host": "10.0.0.1"}})"))),
               "FieldValueForbidden", "spec.containers[0].livenessProbe.tcpSocket.host",
               "Forbidden: not supported by orkest: probes go to the pod's own IP");
  expect_cause(only_cause("Pod", with_probe("livenessProbe", json::parse(R"({"httpGet": {"port": 1,
                                            "httpHeaders": [{"name": "X", "value": "a\r\nHost: evil"}]}})"))),
               "FieldValueInvalid", "spec.containers[0].livenessProbe.httpGet.httpHeaders[0].value",
               "Invalid value: \"a\\r\\nHost: evil\": must not contain line breaks");
  expect_cause(only_cause("Pod", with_probe("livenessProbe", json::parse(R"({"httpGet": {"port": 1,
                                            "path": "/x HTTP/1.1\r\nHost: evil"}})"))),
               "FieldValueInvalid", "spec.containers[0].livenessProbe.httpGet.path",
               "Invalid value: \"/x HTTP/1.1\\r\\nHost: evil\": must not contain whitespace or control characters");
}

}  // namespace
}  // namespace orkest::model

namespace orkest::model {
namespace {

json valid_event() {
  return json::parse(R"({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "web.1", "namespace": "default"},
      "involvedObject": {"kind": "Pod", "namespace": "default", "name": "web", "uid": "u1"},
      "reason": "Started", "message": "Started container web", "type": "Normal", "count": 1,
      "source": {"component": "kubelet", "host": "node"}})");
}

TEST(Validation, EventsNameTheirObjectInTheirOwnNamespace) {
  EXPECT_TRUE(check("Event", valid_event()).empty()) << describe(check("Event", valid_event()));
  expect_cause(only_cause("Event", without(valid_event(), "/involvedObject"_json_pointer)), "FieldValueRequired",
               "involvedObject", "Required value");
  expect_cause(only_cause("Event", with(valid_event(), "/involvedObject/namespace"_json_pointer, "other")),
               "FieldValueInvalid", "involvedObject.namespace", "Invalid value: \"other\": does not match event.namespace");
  expect_cause(only_cause("Event", with(valid_event(), "/type"_json_pointer, "Bad")), "FieldValueNotSupported", "type",
               "Unsupported value: \"Bad\": supported values: \"Normal\", \"Warning\"");
  expect_cause(only_cause("Event", with(valid_event(), "/count"_json_pointer, -1)), "FieldValueInvalid", "count",
               "Invalid value: -1: must be greater than or equal to 0");
}

}  // namespace
}  // namespace orkest::model

namespace orkest::model {
namespace {

json valid_deployment() {
  return json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
      "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
               "template": {"metadata": {"labels": {"app": "web"}},
                            "spec": {"containers": [{"name": "web", "image": "health:latest"}]}}}})");
}

TEST(Validation, DeploymentsGetKubernetesDefaults) {
  json d = valid_deployment();
  apply_defaults(*find_kind("Deployment"), d);
  EXPECT_EQ(d["spec"]["strategy"], json::parse(R"({"type": "RollingUpdate",
                                                   "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}})"));
  EXPECT_EQ(d["spec"]["revisionHistoryLimit"], 10);
  EXPECT_EQ(d["spec"]["progressDeadlineSeconds"], 600);
  EXPECT_EQ(d["spec"]["template"]["spec"]["restartPolicy"], "Always");
  EXPECT_TRUE(check("Deployment", valid_deployment()).empty()) << describe(check("Deployment", valid_deployment()));
}

TEST(Validation, DeploymentRules) {
  expect_cause(only_cause("Deployment", with(valid_deployment(), "/spec/strategy"_json_pointer,
                                             json::parse(R"({"type": "RollingUpdate",
                                                  "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}})"))),
               "FieldValueInvalid", "spec.strategy.rollingUpdate.maxUnavailable",
               "Invalid value: 0: may not be 0 when `maxSurge` is 0");
  expect_cause(only_cause("Deployment", with(valid_deployment(), "/spec/strategy"_json_pointer,
                                             json::parse(R"({"type": "Recreate", "rollingUpdate": {"maxSurge": 1}})"))),
               "FieldValueForbidden", "spec.strategy.rollingUpdate",
               "Forbidden: may not be specified when strategy `type` is 'Recreate'");
  expect_cause(only_cause("Deployment", with(valid_deployment(), "/spec/strategy/rollingUpdate"_json_pointer,
                                             json::parse(R"({"maxSurge": "120%"})"))),
               "FieldValueInvalid", "spec.strategy.rollingUpdate.maxSurge",
               "Invalid value: \"120%\": must not be greater than 100%");
  expect_cause(only_cause("Deployment", with(valid_deployment(), "/spec/strategy/type"_json_pointer, "BlueGreen")),
               "FieldValueNotSupported", "spec.strategy.type",
               "Unsupported value: \"BlueGreen\": supported values: \"Recreate\", \"RollingUpdate\"");
  expect_cause(only_cause("Deployment", with(valid_deployment(), "/spec/progressDeadlineSeconds"_json_pointer, 0)),
               "FieldValueInvalid", "spec.progressDeadlineSeconds", "Invalid value: 0: must be greater than 0");
  expect_cause(only_cause("Deployment", with(valid_deployment(), "/spec/selector"_json_pointer, json::object())),
               "FieldValueRequired", "spec.selector", "Required value: empty selector is invalid for a Deployment");
}

}  // namespace
}  // namespace orkest::model
