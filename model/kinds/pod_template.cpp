#include "model/kinds/pod_template.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <map>
#include <set>

#include "model/container_resources.hpp"
#include "model/defaulting.hpp"
#include "model/field_schema.hpp"
#include "model/json_access.hpp"
#include "model/image_reference_rule.hpp"
#include "model/kinds/node_scheduling.hpp"
#include "model/kinds/probe.hpp"
#include "model/kinds/security_context.hpp"
#include "model/kinds/volume.hpp"
#include "model/name_rules.hpp"
#include "model/printing.hpp"
#include "model/shorthand.hpp"

namespace orkest::model::kinds {

using nlohmann::json;
namespace fe = field_error;
using namespace defaulting;
using field_schema::any;
using field_schema::list_of;

namespace {

bool all_strings(const json& object) {
  return std::all_of(object.begin(), object.end(), [](const json& value) { return value.is_string(); });
}

// {"K": "V", "PORT": 5000} -> [{name: K, value: V}, {name: PORT, value: "5000"}]. Numbers and
// booleans become their text, as a shell would see them; any other value leaves env alone.
void expand_env(json& container) {
  json* env = object_member(container, "env");
  if (!env) return;
  const bool scalars = std::all_of(env->begin(), env->end(), [](const json& value) {
    return value.is_string() || value.is_number() || value.is_boolean();
  });
  if (!scalars) return;
  json list = json::array();
  for (const auto& [name, value] : env->items())
    list.push_back({{"name", name}, {"value", value.is_string() ? value.get<std::string>() : value.dump()}});
  *env = std::move(list);
}

// {"app": "health"} as template metadata -> {"labels": {"app": "health"}}.
void expand_template_metadata(json& pod_template) {
  json* metadata = object_member(pod_template, "metadata");
  if (!metadata || metadata->empty() || !all_strings(*metadata)) return;
  for (const auto& [name, value] : metadata->items())
    if (is_object_meta_field(name)) return;
  *metadata = json{{"labels", std::move(*metadata)}};
}

// {"name": "health"} as selector -> {"matchLabels": {"name": "health"}}.
void expand_selector(json& spec) {
  json* selector = object_member(spec, "selector");
  if (!selector || selector->empty() || !all_strings(*selector)) return;
  if (selector->contains("matchLabels") || selector->contains("matchExpressions")) return;
  *selector = json{{"matchLabels", std::move(*selector)}};
}

// The selector's matchLabels the template lacks are added to it, so the pods carry them and the
// ReplicaSet counts its own pods. A label the template sets to another value is left for
// validation to report.
void add_selector_labels_to_template(json& spec) {
  json* selector = object_member(spec, "selector");
  json* match_labels = selector ? object_member(*selector, "matchLabels") : nullptr;
  json* pod_template = object_member(spec, "template");
  if (!match_labels || !all_strings(*match_labels) || !pod_template) return;
  json& metadata = (*pod_template)["metadata"];
  if (metadata.is_null()) metadata = json::object();
  if (!metadata.is_object()) return;
  json& labels = metadata["labels"];
  if (labels.is_null()) labels = json::object();
  if (!labels.is_object()) return;
  for (const auto& [key, value] : match_labels->items())
    if (!labels.contains(key)) labels[key] = value;
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

void validate_container_ports(field_causes& found, reader& container) {
  std::set<std::string> names;
  for_each_object(found, container.array("ports"), container.path("ports"), [&](reader& port, std::size_t) {
    if (auto name = port.string("name"); name && !name->empty()) {
      auto errors = name_rules::port_name(*name);
      fe::add_invalid(found, port.path("name"), *name, errors);
      if (errors.empty() && !names.insert(*name).second) found.push_back(fe::duplicate(port.path("name"), *name));
    }
    const auto container_port = port.integer("containerPort");
    if (!port.present("containerPort") || container_port == 0)
      found.push_back(fe::required(port.path("containerPort")));
    else if (container_port)
      add_port_number_errors(found, port.path("containerPort"), *container_port);
    if (auto host_port = port.integer("hostPort"); host_port && *host_port != 0)
      add_port_number_errors(found, port.path("hostPort"), *host_port);
    if (auto host_ip = port.string("hostIP"); host_ip && !host_ip->empty()) {
      in6_addr address{};
      if (inet_pton(AF_INET, host_ip->c_str(), &address) != 1 && inet_pton(AF_INET6, host_ip->c_str(), &address) != 1)
        found.push_back(fe::invalid(port.path("hostIP"), *host_ip, "must be a valid IP address"));
      else if (!port.integer("hostPort").value_or(0))
        found.push_back(fe::invalid(port.path("hostIP"), *host_ip, "is published only with a hostPort"));
    }
    port.required_one_of("protocol", {"SCTP", "TCP", "UDP"});
  });
}

const std::vector<std::string> env_field_paths = {"metadata.name",      "metadata.namespace", "metadata.uid",
                                                   "spec.nodeName",      "spec.serviceAccountName",
                                                   "status.hostIP",      "status.hostIPs",
                                                   "status.podIP",       "status.podIPs"};

bool is_label_or_annotation_path(const std::string& path) {
  for (const std::string prefix : {"metadata.labels['", "metadata.annotations['"})
    if (path.rfind(prefix, 0) == 0 && path.size() > prefix.size() + 2 && path.compare(path.size() - 2, 2, "']") == 0)
      return true;
  return false;
}

// configMapKeyRef / secretKeyRef: a name and a key.
void validate_key_selector(field_causes& found, reader& selector) {
  selector.required_string("name");
  if (auto key = selector.required_string("key"))
    fe::add_invalid(found, selector.path("key"), *key, name_rules::config_key(*key));
  selector.boolean("optional");
}

void validate_value_from(field_causes& found, reader& variable, const json& from, const json& container) {
  reader source(found, from, variable.path("valueFrom"));
  int given = 0;
  for (const char* kind : {"fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"}) given += source.present(kind);
  if (given == 0)
    found.push_back(fe::invalid(variable.path("valueFrom"), "",
                                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
  if (given > 1)
    found.push_back(fe::invalid(variable.path("valueFrom"), "", "may not have more than one field specified at a time"));
  if (auto value = variable.string("value"); value && !value->empty())
    found.push_back(fe::invalid(variable.path("valueFrom"), "", "may not be specified when `value` is not empty"));
  if (const json* field = source.object("fieldRef")) {
    reader ref(found, *field, source.path("fieldRef"));
    ref.optional_one_of("apiVersion", {"v1"});
    if (auto path = ref.required_string("fieldPath"); path && !is_label_or_annotation_path(*path))
      if (std::find(env_field_paths.begin(), env_field_paths.end(), *path) == env_field_paths.end())
        found.push_back(fe::not_supported(ref.path("fieldPath"), *path, env_field_paths));
  }
  if (const json* resource = source.object("resourceFieldRef")) {
    reader ref(found, *resource, source.path("resourceFieldRef"));
    ref.required_one_of("resource", {"limits.cpu", "limits.memory", "requests.cpu", "requests.memory"});
    if (auto name = ref.string("containerName"); name && !name->empty() && *name != container.value("name", ""))
      found.push_back(fe::invalid(ref.path("containerName"), *name, "must match the container's name"));
    if (const json* divisor = member(*resource, "divisor")) {
      const auto amount = quantity_of(*divisor);
      if (!amount) found.push_back(fe::invalid(ref.path("divisor"), *divisor, quantity_syntax_message));
      else if (amount->negative() || (amount->milli_value() == 0 && !(*divisor == "0")))
        found.push_back(fe::invalid(ref.path("divisor"), *divisor, "must be greater than 0"));
    }
  }
  for (const char* kind : {"configMapKeyRef", "secretKeyRef"})
    if (const json* selector = source.object(kind)) {
      reader ref(found, *selector, source.path(kind));
      validate_key_selector(found, ref);
    }
}

void validate_env(field_causes& found, reader& container, const json& container_object) {
  for_each_object(found, container.array("env"), container.path("env"), [&](reader& variable, std::size_t) {
    if (auto name = variable.required_string("name"))
      fe::add_invalid(found, variable.path("name"), *name, name_rules::env_var_name(*name));
    variable.string("value");
    if (const json* from = variable.object("valueFrom")) validate_value_from(found, variable, *from, container_object);
  });
  for_each_object(found, container.array("envFrom"), container.path("envFrom"), [&](reader& source, std::size_t i) {
    if (auto prefix = source.string("prefix"); prefix && !prefix->empty())
      fe::add_invalid(found, source.path("prefix"), *prefix, name_rules::env_var_name(*prefix));
    const int given = source.present("configMapRef") + source.present("secretRef");
    if (given != 1)
      found.push_back(fe::invalid(fe::index(container.path("envFrom"), i), "",
                                  "must specify one of: `configMapRef` or `secretRef`"));
    for (const char* kind : {"configMapRef", "secretRef"})
      if (const json* reference = source.object(kind)) {
        reader ref(found, *reference, source.path(kind));
        ref.required_string("name");
        ref.boolean("optional");
      }
  });
}

// cpu and memory, as Kubernetes validates them; what podman cannot enforce is refused.
void validate_resources(field_causes& found, reader& container) {
  const json* resources = container.object("resources");
  if (!resources) return;
  reader fields(found, *resources, container.path("resources"));
  if (fields.present("claims"))
    found.push_back(fe::forbidden(fields.path("claims"), "not supported by orkest (no dynamic resource allocation)"));
  std::map<std::string, std::pair<quantity, json>> limits;
  for (const char* kind : {"limits", "requests"}) {
    const json* list = fields.object(kind);
    if (!list) continue;
    const bool is_limit = std::string(kind) == "limits";
    for (const auto& [name, value] : list->items()) {
      const std::string path = fe::key(fields.path(kind), name);
      if (name != "cpu" && name != "memory") {
        found.push_back(fe::not_supported(path, name, {"cpu", "memory"}));
        continue;
      }
      const auto amount = quantity_of(value);
      if (!amount) {
        found.push_back(fe::invalid(path, value, quantity_syntax_message));
        continue;
      }
      if (amount->negative()) {
        found.push_back(fe::invalid(path, value, "must be greater than or equal to 0"));
        continue;
      }
      if (is_limit) {
        if (name == "memory" && amount->value() < min_memory_limit_bytes)
          found.push_back(fe::invalid(path, value, "podman enforces no memory limit below 6Mi"));
        if (name == "cpu" && amount->milli_value() < min_cpu_limit_millis)
          found.push_back(fe::invalid(path, value, "podman enforces no cpu limit below 10m"));
        limits.emplace(name, std::make_pair(*amount, value));
        continue;
      }
      auto limit = limits.find(name);
      if (limit != limits.end() && limit->second.first < *amount)
        found.push_back(fe::invalid(fields.path("requests"), value,
                                    "must be less than or equal to " + name + " limit of " +
                                        (limit->second.second.is_string() ? limit->second.second.get<std::string>()
                                                                         : limit->second.second.dump())));
    }
  }
}

void validate_container(field_causes& found, reader& container, const json& object, const json* pod_security_context,
                        const std::set<std::string>& volume_names) {
  if (auto name = container.required_string("name"))
    fe::add_invalid(found, container.path("name"), *name, name_rules::dns1123_label(*name));
  if (auto image = container.required_string("image")) {
    const auto first = image->find_first_not_of(" \t\r\n");
    const auto last = image->find_last_not_of(" \t\r\n");
    if (first != 0 || last != image->size() - 1)
      found.push_back(fe::invalid(container.path("image"), *image, "must not have leading or trailing whitespace"));
    else
      fe::add_invalid(found, container.path("image"), *image, name_rules::image_reference(*image));
  }
  container.required_one_of("imagePullPolicy", {"Always", "IfNotPresent", "Never"});
  container.string_array("command");
  container.string_array("args");
  container.string("workingDir");
  if (auto path = container.string("terminationMessagePath"); path && !path->empty()) {
    if (path->front() != '/')
      found.push_back(fe::invalid(container.path("terminationMessagePath"), *path, "must be an absolute path"));
    if (path->find(',') != std::string::npos)
      found.push_back(fe::invalid(container.path("terminationMessagePath"), *path,
                                  "must not contain ',' (podman's mount option separator)"));
  }
  container.optional_one_of("terminationMessagePolicy", {"File", "FallbackToLogsOnError"});
  validate_container_ports(found, container);
  validate_env(found, container, object);
  validate_resources(found, container);
  validate_probes(found, container, object);
  validate_container_security_context(found, container, pod_security_context);
  validate_volume_mounts(found, container, volume_names);
  refuse_unhonoured(found, container, object, "volumeDevices", "raw block devices are not given to containers");
}

const json& container_schema() {
  static const json schema = {
      {"name", any()},
      {"image", any()},
      {"command", any()},
      {"args", any()},
      {"workingDir", any()},
      {"ports", list_of({{"name", any()}, {"hostPort", any()}, {"containerPort", any()}, {"protocol", any()}, {"hostIP", any()}})},
      {"envFrom", list_of({{"prefix", any()},
                           {"configMapRef", {{"name", any()}, {"optional", any()}}},
                           {"secretRef", {{"name", any()}, {"optional", any()}}}})},
      {"env", list_of({{"name", any()},
                       {"value", any()},
                       {"valueFrom",
                        {{"fieldRef", {{"apiVersion", any()}, {"fieldPath", any()}}},
                         {"resourceFieldRef", {{"containerName", any()}, {"resource", any()}, {"divisor", any()}}},
                         {"configMapKeyRef", {{"name", any()}, {"key", any()}, {"optional", any()}}},
                         {"secretKeyRef", {{"name", any()}, {"key", any()}, {"optional", any()}}}}}})},
      {"resources", any()},
      {"resizePolicy", any()},
      {"restartPolicy", any()},
      {"volumeMounts", list_of(volume_mount_schema())},
      {"volumeDevices", any()},
      {"livenessProbe", probe_schema()},
      {"readinessProbe", probe_schema()},
      {"startupProbe", probe_schema()},
      {"lifecycle", any()},
      {"terminationMessagePath", any()},
      {"terminationMessagePolicy", any()},
      {"imagePullPolicy", any()},
      {"securityContext", container_security_context_schema()},
      {"stdin", any()},
      {"stdinOnce", any()},
      {"tty", any()}};
  return schema;
}

}  // namespace

void expand_env_maps(json& owner) {
  json* spec = object_member(owner, "spec");
  if (!spec || !spec->contains("containers") || !(*spec)["containers"].is_array()) return;
  for (auto& container : (*spec)["containers"]) expand_env(container);
}

void expand_template_shorthands(json& spec_object) {
  json* spec = &spec_object;
  expand_selector(*spec);
  if (json* pod_template = object_member(*spec, "template")) {
    expand_template_metadata(*pod_template);
    expand_env_maps(*pod_template);
  }
  add_selector_labels_to_template(*spec);
}

// As Kubernetes: a resource with a limit and no request requests its limit.
void default_requests(json& container) {
  json* resources = object_member(container, "resources");
  json* limits = resources ? object_member(*resources, "limits") : nullptr;
  if (!limits) return;
  json& requests = (*resources)["requests"];
  if (requests.is_null()) requests = json::object();
  if (!requests.is_object()) return;
  for (const auto& [name, value] : limits->items())
    if (!requests.contains(name)) requests[name] = value;
}

void default_pod_spec(json& spec) {
  set_default(spec, "restartPolicy", "Always");
  set_default(spec, "terminationGracePeriodSeconds", 30);
  set_default(spec, "dnsPolicy", "ClusterFirst");
  set_default(spec, "schedulerName", "default-scheduler");
  for_each_item(spec, "containers", [](json& container) {
    set_default(container, "imagePullPolicy", image_pull_policy(container.value("image", json())));
    set_default(container, "terminationMessagePath", "/dev/termination-log");
    set_default(container, "terminationMessagePolicy", "File");
    default_ports(container);
    default_probes(container);
    default_requests(container);
    // As Kubernetes: a fieldRef's apiVersion is v1.
    for_each_item(container, "env", [](json& variable) {
      json* from = object_member(variable, "valueFrom");
      json* field = from ? object_member(*from, "fieldRef") : nullptr;
      if (field) set_default(*field, "apiVersion", "v1");
    });
  });
}

void validate_pod_spec(field_causes& found, const json* spec, const std::string& path) {
  if (!spec) {
    found.push_back(fe::required(fe::child(path, "containers")));
    return;
  }
  if (!spec->is_object()) {
    found.push_back(fe::type_invalid(path, *spec, "object"));
    return;
  }
  reader pod(found, *spec, path);
  const auto volume_names = validate_volumes(found, pod);
  const json* containers = pod.array("containers");
  if (!pod.present("containers") || (containers && containers->empty())) {
    found.push_back(fe::required(pod.path("containers")));
  } else if (containers && containers->size() > 1) {
    // One container per pod is orkest's design, not an oversight.
    found.push_back(fe::too_many(pod.path("containers"), containers->size(), 1));
  }
  for_each_object(found, containers, pod.path("containers"), [&](reader& container, std::size_t i) {
    validate_container(found, container, (*containers)[i], member(*spec, "securityContext"), volume_names);
  });
  pod.required_one_of("restartPolicy", {"Always", "OnFailure", "Never"});
  pod.optional_one_of("dnsPolicy", {"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"});
  pod.non_negative("terminationGracePeriodSeconds");
  for (const char* host_namespace : {"hostNetwork", "hostPID", "hostIPC"})
    refuse_unhonoured(found, pod, *spec, host_namespace, "pods never share the host's namespaces");
  validate_pod_security_context(found, pod);
  validate_pod_scheduling(found, pod, *spec);
}

void validate_pod_template(field_causes& found, const json& pod_template, const std::string& path,
                           const std::optional<label_selector>& selector) {
  if (!pod_template.is_object()) {
    found.push_back(fe::type_invalid(path, pod_template, "object"));
    return;
  }
  reader fields(found, pod_template, path);
  if (const json* metadata = fields.object("metadata"))
    validate_labels_and_annotations(found, *metadata, fields.path("metadata"));
  if (selector && !selector->empty() && !selector->matches(labels_of(pod_template))) {
    const json* metadata = member(pod_template, "metadata");
    const json* labels = metadata ? member(*metadata, "labels") : nullptr;
    found.push_back(fe::invalid(fe::child(fields.path("metadata"), "labels"), labels ? *labels : json::object(),
                                "`selector` does not match template `labels`"));
  }
  const json* pod_spec = member(pod_template, "spec");
  validate_pod_spec(found, pod_spec, fields.path("spec"));
  if (pod_spec && pod_spec->is_object()) {
    reader spec(found, *pod_spec, fields.path("spec"));
    // A ReplicaSet replaces pods that end; a pod that is not restarted would be replaced anyway.
    const json* policy = member(*pod_spec, "restartPolicy");
    if (policy && (*policy == "OnFailure" || *policy == "Never"))
      found.push_back(fe::not_supported(spec.path("restartPolicy"), *policy, {"Always"}));
    if (spec.present("activeDeadlineSeconds"))
      found.push_back(fe::invalid(spec.path("activeDeadlineSeconds"), (*pod_spec)["activeDeadlineSeconds"],
                                  "activeDeadlineSeconds in ReplicaSet is not Supported"));
  }
}

const json& pod_spec_schema() {
  static const json schema = {{"volumes", list_of(volume_schema())},
                              {"initContainers", list_of(container_schema())},
                              {"containers", list_of(container_schema())},
                              {"ephemeralContainers", any()},
                              {"restartPolicy", any()},
                              {"terminationGracePeriodSeconds", any()},
                              {"activeDeadlineSeconds", any()},
                              {"dnsPolicy", any()},
                              {"nodeSelector", any()},
                              {"serviceAccountName", any()},
                              {"serviceAccount", any()},
                              {"automountServiceAccountToken", any()},
                              {"nodeName", any()},
                              {"hostNetwork", any()},
                              {"hostPID", any()},
                              {"hostIPC", any()},
                              {"shareProcessNamespace", any()},
                              {"securityContext", pod_security_context_schema()},
                              {"imagePullSecrets", any()},
                              {"hostname", any()},
                              {"subdomain", any()},
                              {"affinity", any()},
                              {"schedulerName", any()},
                              {"tolerations", any()},
                              {"hostAliases", any()},
                              {"priorityClassName", any()},
                              {"priority", any()},
                              {"dnsConfig", any()},
                              {"readinessGates", any()},
                              {"runtimeClassName", any()},
                              {"enableServiceLinks", any()},
                              {"preemptionPolicy", any()},
                              {"overhead", any()},
                              {"topologySpreadConstraints", any()},
                              {"setHostnameAsFQDN", any()},
                              {"os", any()},
                              {"hostUsers", any()},
                              {"schedulingGates", any()},
                              {"resourceClaims", any()},
                              {"resources", any()}};
  return schema;
}

void validate_replicated_pods(field_causes& found, reader& spec, const json& spec_value, const char* kind) {
  if (auto replicas = spec.integer("replicas")) {
    if (*replicas < 0)
      found.push_back(fe::invalid(spec.path("replicas"), *replicas, "must be greater than or equal to 0"));
    else if (*replicas > max_int32)
      found.push_back(fe::invalid(spec.path("replicas"), *replicas, "must be no more than 2147483647"));
  }
  spec.non_negative("minReadySeconds");

  std::optional<label_selector> selector;
  if (const json* selector_json = member(spec_value, "selector")) {
    auto errors = selector_errors(*selector_json, spec.path("selector"));
    if (errors.empty()) {
      selector = std::get<label_selector>(label_selector::from_json(*selector_json));
      if (selector->empty())
        found.push_back(fe::required(spec.path("selector"), std::string("empty selector is invalid for a ") + kind));
    }
    fe::append(found, std::move(errors));
  } else {
    found.push_back(fe::required(spec.path("selector")));
  }

  if (const json* pod_template = member(spec_value, "template"))
    validate_pod_template(found, *pod_template, spec.path("template"), selector);
  else
    found.push_back(fe::required(spec.path("template")));
}

std::pair<std::string, std::string> template_containers_and_images(const json& spec) {
  std::vector<std::string> names, images;
  const auto& containers = member_or_null(member_or_null(member_or_null(spec, "template"), "spec"), "containers");
  if (containers.is_array())
    for (const auto& container : containers) {
      names.push_back(string_member(container, "name"));
      images.push_back(string_member(container, "image"));
    }
  return {printing::join(names, ","), printing::join(images, ",")};
}

}  // namespace orkest::model::kinds
