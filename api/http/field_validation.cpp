#include "api/http/field_validation.hpp"

#include "api/forgiven_shapes.hpp"
#include "api/shorthand.hpp"

namespace orkest::api::http {

using nlohmann::json;

namespace {

// A schema: "*" accepts anything below; an object lists the known fields and their schemas;
// an array of one schema is a list of such items.
const json any = "*";

json list_of(json item) { return json::array({std::move(item)}); }

const json& object_meta() {
  static const json schema = {
      {"name", any},       {"generateName", any},      {"namespace", any},
      {"selfLink", any},   {"uid", any},               {"resourceVersion", any},
      {"generation", any}, {"creationTimestamp", any}, {"deletionTimestamp", any},
      {"deletionGracePeriodSeconds", any},             {"labels", any},
      {"annotations", any}, {"ownerReferences", any},  {"finalizers", any},
      {"managedFields", any}};
  return schema;
}

const json& container() {
  static const json schema = {
      {"name", any},
      {"image", any},
      {"command", any},
      {"args", any},
      {"workingDir", any},
      {"ports", list_of({{"name", any}, {"hostPort", any}, {"containerPort", any}, {"protocol", any}, {"hostIP", any}})},
      {"envFrom", any},
      {"env", list_of({{"name", any}, {"value", any}, {"valueFrom", any}})},
      {"resources", any},
      {"resizePolicy", any},
      {"restartPolicy", any},
      {"volumeMounts", any},
      {"volumeDevices", any},
      {"livenessProbe", any},
      {"readinessProbe", any},
      {"startupProbe", any},
      {"lifecycle", any},
      {"terminationMessagePath", any},
      {"terminationMessagePolicy", any},
      {"imagePullPolicy", any},
      {"securityContext", any},
      {"stdin", any},
      {"stdinOnce", any},
      {"tty", any}};
  return schema;
}

const json& pod_spec() {
  static const json schema = {{"volumes", any},
                              {"initContainers", list_of(container())},
                              {"containers", list_of(container())},
                              {"ephemeralContainers", any},
                              {"restartPolicy", any},
                              {"terminationGracePeriodSeconds", any},
                              {"activeDeadlineSeconds", any},
                              {"dnsPolicy", any},
                              {"nodeSelector", any},
                              {"serviceAccountName", any},
                              {"serviceAccount", any},
                              {"automountServiceAccountToken", any},
                              {"nodeName", any},
                              {"hostNetwork", any},
                              {"hostPID", any},
                              {"hostIPC", any},
                              {"shareProcessNamespace", any},
                              {"securityContext", any},
                              {"imagePullSecrets", any},
                              {"hostname", any},
                              {"subdomain", any},
                              {"affinity", any},
                              {"schedulerName", any},
                              {"tolerations", any},
                              {"hostAliases", any},
                              {"priorityClassName", any},
                              {"priority", any},
                              {"dnsConfig", any},
                              {"readinessGates", any},
                              {"runtimeClassName", any},
                              {"enableServiceLinks", any},
                              {"preemptionPolicy", any},
                              {"overhead", any},
                              {"topologySpreadConstraints", any},
                              {"setHostnameAsFQDN", any},
                              {"os", any},
                              {"hostUsers", any},
                              {"schedulingGates", any},
                              {"resourceClaims", any},
                              {"resources", any}};
  return schema;
}

json top_level(json spec) {
  json schema = {{"apiVersion", any}, {"kind", any}, {"metadata", object_meta()}, {"status", any}};
  if (!spec.is_null()) schema["spec"] = std::move(spec);
  return schema;
}

const json& schema_for(const std::string& kind) {
  static const json pod = top_level(pod_spec());
  static const json replicaset = top_level({{"replicas", any},
                                            {"minReadySeconds", any},
                                            {"selector", {{"matchLabels", any}, {"matchExpressions", any}}},
                                            {"template", {{"metadata", object_meta()}, {"spec", pod_spec()}}}});
  static const json service = top_level({{"ports", list_of({{"name", any},
                                                            {"protocol", any},
                                                            {"appProtocol", any},
                                                            {"port", any},
                                                            {"targetPort", any},
                                                            {"nodePort", any}})},
                                         {"selector", any},
                                         {"clusterIP", any},
                                         {"clusterIPs", any},
                                         {"type", any},
                                         {"externalIPs", any},
                                         {"sessionAffinity", any},
                                         {"loadBalancerIP", any},
                                         {"loadBalancerSourceRanges", any},
                                         {"externalName", any},
                                         {"externalTrafficPolicy", any},
                                         {"healthCheckNodePort", any},
                                         {"publishNotReadyAddresses", any},
                                         {"sessionAffinityConfig", any},
                                         {"ipFamilies", any},
                                         {"ipFamilyPolicy", any},
                                         {"allocateLoadBalancerNodePorts", any},
                                         {"loadBalancerClass", any},
                                         {"internalTrafficPolicy", any},
                                         {"trafficDistribution", any}});
  static const json endpoints = [] {
    json schema = top_level(nullptr);
    schema["subsets"] = any;
    return schema;
  }();
  static const json unknown_kind = any;
  if (kind == "Pod") return pod;
  if (kind == "ReplicaSet") return replicaset;
  if (kind == "Service") return service;
  if (kind == "Endpoints") return endpoints;
  return unknown_kind;
}

// Patch directives ($patch, $setElementOrder/..., $retainKeys, $deleteFromPrimitiveList/...).
bool is_directive(const std::string& key) { return !key.empty() && key[0] == '$'; }

void walk(const json& schema, const json& value, const std::string& path, std::vector<std::string>& unknown) {
  if (schema.is_string()) return;  // anything goes
  if (schema.is_array()) {
    if (!value.is_array()) return;  // a type error is validation's business
    for (std::size_t i = 0; i < value.size(); ++i)
      walk(schema[0], value[i], path + "[" + std::to_string(i) + "]", unknown);
    return;
  }
  if (!value.is_object()) return;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (is_directive(it.key())) continue;
    auto known = schema.find(it.key());
    std::string field = path.empty() ? it.key() : path + "." + it.key();
    if (known == schema.end()) unknown.push_back(field);
    else walk(*known, *it, field, unknown);
  }
}

}  // namespace

std::variant<field_validation, api_error> parse_field_validation(const std::string& value) {
  if (value.empty() || value == "Warn") return field_validation::warn;
  if (value == "Strict") return field_validation::strict;
  if (value == "Ignore") return field_validation::ignore;
  return bad_request("fieldValidation: unsupported value \"" + value + "\": use Ignore, Warn or Strict");
}

std::vector<std::string> unknown_fields(const resource_kind& kind, const json& body) {
  std::vector<std::string> unknown;
  if (!body.is_object()) return unknown;
  json expanded = body;
  forgive_shapes(kind, "", expanded);
  expand_shorthands(kind, expanded);
  walk(schema_for(kind.kind), expanded, "", unknown);
  return unknown;
}

std::variant<std::vector<std::string>, api_error> field_validation_outcome(const resource_kind& kind,
                                                                           field_validation mode,
                                                                           const std::vector<std::string>& unknown) {
  std::vector<std::string> warnings;
  if (mode == field_validation::ignore || unknown.empty()) return warnings;
  if (mode == field_validation::warn) {
    for (const auto& field : unknown) warnings.push_back("unknown field \"" + field + "\"");
    return warnings;
  }
  std::string message = kind.kind + " in version \"" + kind.version + "\" cannot be handled as a " + kind.kind +
                        ": strict decoding error: ";
  for (std::size_t i = 0; i < unknown.size(); ++i)
    message += (i ? ", " : "") + std::string("unknown field \"") + unknown[i] + "\"";
  return bad_request(message);
}

}  // namespace orkest::api::http
