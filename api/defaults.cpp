#include "api/defaults.hpp"

#include "api/json_access.hpp"

namespace orkest::api {
namespace {

using nlohmann::json;

// Kubernetes defaults what a client left unset: absent, null or, for a string, "". A number's 0
// is a choice (replicas: 0, terminationGracePeriodSeconds: 0) and stays.
void set_default(json& object, const char* name, const json& value) {
  const json* current = member(object, name);
  if (object.is_object() && (!current || *current == "")) object[name] = value;
}

// For each object element of the array `parent[name]`.
template <class Visit>
void for_each_item(json& parent, const char* name, Visit&& visit) {
  if (!parent.is_object() || !parent.contains(name) || !parent[name].is_array()) return;
  for (auto& item : parent[name])
    if (item.is_object()) visit(item);
}

// As Kubernetes: Always when the image's tag is "latest", or absent without a digest.
std::string image_pull_policy(const json& image) {
  if (!image.is_string()) return "IfNotPresent";
  const std::string reference = image.get<std::string>();
  const auto at = reference.find('@');
  const std::string name = reference.substr(0, at);
  const auto slash = name.rfind('/');
  const auto colon = name.rfind(':');
  const bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  const std::string tag = tagged ? name.substr(colon + 1) : (at == std::string::npos ? "latest" : "");
  return tag == "latest" ? "Always" : "IfNotPresent";
}

void default_ports(json& owner) {
  for_each_item(owner, "ports", [](json& port) { set_default(port, "protocol", "TCP"); });
}

void default_pod_spec(json& spec) {
  set_default(spec, "restartPolicy", "Always");
  set_default(spec, "terminationGracePeriodSeconds", 30);
  set_default(spec, "dnsPolicy", "ClusterFirst");
  for_each_item(spec, "containers", [](json& container) {
    set_default(container, "imagePullPolicy", image_pull_policy(container.value("image", json())));
    set_default(container, "terminationMessagePath", "/dev/termination-log");
    set_default(container, "terminationMessagePolicy", "File");
    default_ports(container);
  });
}

void default_replica_set(json& object) {
  json* spec = object_member(object, "spec");
  if (!spec) return;
  set_default(*spec, "replicas", 1);
  json* pod_template = object_member(*spec, "template");
  if (json* pod_spec = pod_template ? object_member(*pod_template, "spec") : nullptr) default_pod_spec(*pod_spec);
}

void default_service(json& object) {
  json* spec = object_member(object, "spec");
  if (!spec) return;
  set_default(*spec, "type", "ClusterIP");
  set_default(*spec, "sessionAffinity", "None");
  for_each_item(*spec, "ports", [](json& port) {
    set_default(port, "protocol", "TCP");
    // targetPort 0 is no port at all: Kubernetes reads it as unset too.
    if (port.contains("port") && port.value("targetPort", json()) == 0) port.erase("targetPort");
    if (port.contains("port")) set_default(port, "targetPort", port["port"]);
  });
}

void default_endpoints(json& object) {
  for_each_item(object, "subsets", [](json& subset) { default_ports(subset); });
}

}  // namespace

void apply_defaults(const resource_kind& kind, json& object) {
  if (!object.is_object()) return;
  set_default(object, "apiVersion", kind.api_version());
  set_default(object, "kind", kind.kind);
  if (kind.kind == "Pod") {
    if (json* spec = object_member(object, "spec")) default_pod_spec(*spec);
  } else if (kind.kind == "ReplicaSet") {
    default_replica_set(object);
  } else if (kind.kind == "Service") {
    default_service(object);
  } else if (kind.kind == "Endpoints") {
    default_endpoints(object);
  }
}

}  // namespace orkest::api
