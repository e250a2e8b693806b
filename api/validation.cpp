#include "api/validation.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>

#include "api/field_error.hpp"
#include "api/image_reference_rule.hpp"
#include "api/json_access.hpp"
#include "api/label_selector.hpp"
#include "api/name_rules.hpp"

namespace orkest::api {
namespace {

using nlohmann::json;
namespace fe = field_error;
using causes = std::vector<status_cause>;
using name_rule = std::vector<std::string> (*)(const std::string&);

constexpr std::size_t max_annotations_bytes = 256 * 1024;
constexpr long long max_int32 = std::numeric_limits<std::int32_t>::max();

void append(causes& to, causes more) {
  to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

// One Invalid cause per explanation, as Kubernetes reports a value breaking a format.
void add_format_errors(causes& found, const std::string& path, const json& value,
                       const std::vector<std::string>& explanations) {
  for (const auto& explanation : explanations) found.push_back(fe::invalid(path, value, explanation));
}

void add_port_number_errors(causes& found, const std::string& path, long long port) {
  add_format_errors(found, path, port, name_rules::port_number(port));
}

// Typed reads of one object's members, recording a cause whenever a member has the wrong JSON
// type; absent and null members read as nullopt / nullptr without a cause.
class reader {
 public:
  reader(causes& found, const json& object, std::string path)
      : found_(found), object_(object), path_(std::move(path)) {}

  std::string path(const char* name) const { return fe::child(path_, name); }
  bool present(const char* name) const { return member(object_, name) != nullptr; }

  std::optional<std::string> string(const char* name) {
    const json* value = typed(name, &json::is_string, "string");
    return value ? std::optional<std::string>(value->get<std::string>()) : std::nullopt;
  }

  // A string that must be there and not be empty: Required otherwise.
  std::optional<std::string> required_string(const char* name) {
    auto value = string(name);
    if (value && !value->empty()) return value;
    if (!present(name) || value) found_.push_back(fe::required(path(name)));
    return std::nullopt;
  }

  std::optional<long long> integer(const char* name) {
    const json* value = typed(name, &json::is_number_integer, "integer");
    if (!value) return std::nullopt;
    if (value->is_number_unsigned())
      return static_cast<long long>(
          std::min<std::uint64_t>(value->get<std::uint64_t>(), std::numeric_limits<long long>::max()));
    return value->get<long long>();
  }

  const json* array(const char* name) { return typed(name, &json::is_array, "array"); }
  const json* object(const char* name) { return typed(name, &json::is_object, "object"); }

  void string_array(const char* name) {
    if (const json* items = array(name))
      for (std::size_t i = 0; i < items->size(); ++i)
        if (!(*items)[i].is_string())
          found_.push_back(fe::type_invalid(fe::index(path(name), i), (*items)[i], "string"));
  }

  // A required string that must be one of `supported`.
  void required_one_of(const char* name, const std::vector<std::string>& supported) {
    if (auto value = required_string(name)) check_one_of(name, *value, supported);
  }

  void optional_one_of(const char* name, const std::vector<std::string>& supported) {
    if (auto value = string(name)) check_one_of(name, *value, supported);
  }

  void non_negative(const char* name) {
    if (auto value = integer(name); value && *value < 0)
      found_.push_back(fe::invalid(path(name), *value, "must be greater than or equal to 0"));
  }

 private:
  const json* typed(const char* name, bool (json::*is_type)() const noexcept, const char* type_name) {
    const json* value = member(object_, name);
    if (!value) return nullptr;
    if ((value->*is_type)()) return value;
    found_.push_back(fe::type_invalid(path(name), *value, type_name));
    return nullptr;
  }

  void check_one_of(const char* name, const std::string& value, const std::vector<std::string>& supported) {
    if (std::find(supported.begin(), supported.end(), value) == supported.end())
      found_.push_back(fe::not_supported(path(name), value, supported));
  }

  causes& found_;
  const json& object_;
  std::string path_;
};

// Checks each element of an array that must hold objects (read with reader::array, so a
// wrong type is already reported); check(item_reader, index).
template <class Check>
void for_each_object(causes& found, const json* items, const std::string& path_of_array, Check&& check) {
  if (!items) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string path = fe::index(path_of_array, i);
    if (!(*items)[i].is_object()) {
      found.push_back(fe::type_invalid(path, (*items)[i], "object"));
      continue;
    }
    reader item(found, (*items)[i], path);
    check(item, i);
  }
}

// ---- metadata ----

causes annotation_errors(const json& annotations, const std::string& path) {
  if (!annotations.is_object()) return {fe::type_invalid(path, annotations, "object")};
  causes found;
  std::size_t total_bytes = 0;
  for (const auto& [key, value] : annotations.items()) {
    std::string lowered = key;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    add_format_errors(found, path, key, name_rules::qualified_name(lowered));
    if (!value.is_string())
      found.push_back(fe::type_invalid(fe::key(path, key), value, "string"));
    else
      total_bytes += key.size() + value.get_ref<const std::string&>().size();
  }
  if (total_bytes > max_annotations_bytes) found.push_back(fe::too_long(path, max_annotations_bytes));
  return found;
}

// labels and annotations, shared by objects and pod templates.
void validate_labels_and_annotations(causes& found, const json& metadata, const std::string& path) {
  if (const json* labels = member(metadata, "labels")) append(found, label_errors(*labels, fe::child(path, "labels")));
  if (const json* annotations = member(metadata, "annotations"))
    append(found, annotation_errors(*annotations, fe::child(path, "annotations")));
}

void validate_object_meta(causes& found, const json& object, name_rule name_format) {
  const json* metadata = member(object, "metadata");
  if (!metadata) {
    found.push_back(fe::required("metadata.name", "name or generateName is required"));
    return;
  }
  if (!metadata->is_object()) {
    found.push_back(fe::type_invalid("metadata", *metadata, "object"));
    return;
  }
  reader meta(found, *metadata, "metadata");
  const auto generate_name = meta.string("generateName");
  if (generate_name && !generate_name->empty()) {
    // A prefix may end in '-': Kubernetes checks it as if a letter followed.
    std::string masked = *generate_name;
    if (masked.size() > 1 && masked.back() == '-') masked.back() = 'a';
    add_format_errors(found, meta.path("generateName"), *generate_name, name_format(masked));
  }
  const auto name = meta.string("name");
  if (name && !name->empty())
    add_format_errors(found, meta.path("name"), *name, name_format(*name));
  else if ((!meta.present("name") || name) && !(generate_name && !generate_name->empty()))
    found.push_back(fe::required(meta.path("name"), "name or generateName is required"));
  if (auto ns = meta.string("namespace"); ns && !ns->empty())
    add_format_errors(found, meta.path("namespace"), *ns, name_rules::dns1123_label(*ns));
  validate_labels_and_annotations(found, *metadata, "metadata");
}

// ---- pods ----

// A field orkest does not honour yet is refused rather than stored and ignored: a pod asking for
// `runAsNonRoot` or a read-only volume must not run believing it got them. Absent, null, false
// and empty values ask for nothing and pass.
void refuse_unhonoured(causes& found, const reader& fields, const json& object, const char* name,
                       const char* why) {
  const json* value = member(object, name);
  if (!value || value->is_null() || *value == false || ((value->is_object() || value->is_array()) && value->empty()))
    return;
  found.push_back(fe::forbidden(fields.path(name), std::string("not supported by orkest: ") + why));
}

void validate_container_ports(causes& found, reader& container) {
  std::set<std::string> names;
  for_each_object(found, container.array("ports"), container.path("ports"), [&](reader& port, std::size_t) {
    if (auto name = port.string("name"); name && !name->empty()) {
      auto errors = name_rules::port_name(*name);
      add_format_errors(found, port.path("name"), *name, errors);
      if (errors.empty() && !names.insert(*name).second) found.push_back(fe::duplicate(port.path("name"), *name));
    }
    const auto container_port = port.integer("containerPort");
    if (!port.present("containerPort") || container_port == 0)
      found.push_back(fe::required(port.path("containerPort")));
    else if (container_port)
      add_port_number_errors(found, port.path("containerPort"), *container_port);
    if (auto host_port = port.integer("hostPort"); host_port && *host_port != 0)
      add_port_number_errors(found, port.path("hostPort"), *host_port);
    port.required_one_of("protocol", {"SCTP", "TCP", "UDP"});
  });
}

void validate_env(causes& found, reader& container) {
  for_each_object(found, container.array("env"), container.path("env"), [&](reader& variable, std::size_t) {
    if (auto name = variable.required_string("name"))
      add_format_errors(found, variable.path("name"), *name, name_rules::env_var_name(*name));
    variable.string("value");
    if (variable.present("valueFrom"))
      found.push_back(
          fe::forbidden(variable.path("valueFrom"),
                        "not supported by orkest (no ConfigMaps, Secrets or field references): set value instead"));
  });
}

void validate_container(causes& found, reader& container, const json& object) {
  if (auto name = container.required_string("name"))
    add_format_errors(found, container.path("name"), *name, name_rules::dns1123_label(*name));
  if (auto image = container.required_string("image")) {
    const auto first = image->find_first_not_of(" \t\r\n");
    const auto last = image->find_last_not_of(" \t\r\n");
    if (first != 0 || last != image->size() - 1)
      found.push_back(fe::invalid(container.path("image"), *image, "must not have leading or trailing whitespace"));
    else
      add_format_errors(found, container.path("image"), *image, name_rules::image_reference(*image));
  }
  container.required_one_of("imagePullPolicy", {"Always", "IfNotPresent", "Never"});
  container.string_array("command");
  container.string_array("args");
  container.string("workingDir");
  validate_container_ports(found, container);
  validate_env(found, container);
  refuse_unhonoured(found, container, object, "securityContext",
                    "containers run with podman's defaults (no privileged mode, capabilities, user or "
                    "runAsNonRoot checks)");
  refuse_unhonoured(found, container, object, "volumeMounts", "pods have no volumes");
  refuse_unhonoured(found, container, object, "volumeDevices", "pods have no volumes");
}

void validate_pod_spec(causes& found, const json* spec, const std::string& path) {
  if (!spec) {
    found.push_back(fe::required(fe::child(path, "containers")));
    return;
  }
  if (!spec->is_object()) {
    found.push_back(fe::type_invalid(path, *spec, "object"));
    return;
  }
  reader pod(found, *spec, path);
  const json* containers = pod.array("containers");
  if (!pod.present("containers") || (containers && containers->empty())) {
    found.push_back(fe::required(pod.path("containers")));
  } else if (containers && containers->size() > 1) {
    // One container per pod is orkest's design, not an oversight.
    found.push_back(fe::too_many(pod.path("containers"), containers->size(), 1));
  }
  for_each_object(found, containers, pod.path("containers"), [&](reader& container, std::size_t i) {
    validate_container(found, container, (*containers)[i]);
  });
  pod.required_one_of("restartPolicy", {"Always", "OnFailure", "Never"});
  pod.optional_one_of("dnsPolicy", {"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"});
  pod.non_negative("terminationGracePeriodSeconds");
  for (const char* host_namespace : {"hostNetwork", "hostPID", "hostIPC"})
    refuse_unhonoured(found, pod, *spec, host_namespace, "pods never share the host's namespaces");
  refuse_unhonoured(found, pod, *spec, "securityContext",
                    "containers run with podman's defaults (no user, group, fsGroup or runAsNonRoot checks)");
  refuse_unhonoured(found, pod, *spec, "volumes", "pods have no volumes (hostPath, emptyDir and the rest)");
}

void validate_pod(causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  validate_pod_spec(found, member(object, "spec"), "spec");
}

// ---- replica sets and services ----

// The spec to check: an absent spec checks as an empty one, so each required field is named.
std::optional<json> spec_of(causes& found, const json& object) {
  const json* spec = member(object, "spec");
  if (!spec) return json::object();
  if (spec->is_object()) return *spec;
  found.push_back(fe::type_invalid("spec", *spec, "object"));
  return std::nullopt;
}

void validate_pod_template(causes& found, const json& pod_template, const std::string& path,
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

void validate_replica_set(causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  const auto spec_value = spec_of(found, object);
  if (!spec_value) return;
  reader spec(found, *spec_value, "spec");
  if (auto replicas = spec.integer("replicas")) {
    if (*replicas < 0)
      found.push_back(fe::invalid(spec.path("replicas"), *replicas, "must be greater than or equal to 0"));
    else if (*replicas > max_int32)
      found.push_back(fe::invalid(spec.path("replicas"), *replicas, "must be no more than 2147483647"));
  }
  spec.non_negative("minReadySeconds");

  std::optional<label_selector> selector;
  if (const json* selector_json = member(*spec_value, "selector")) {
    auto errors = selector_errors(*selector_json, spec.path("selector"));
    if (errors.empty()) {
      selector = std::get<label_selector>(label_selector::from_json(*selector_json));
      if (selector->empty())
        found.push_back(fe::required(spec.path("selector"), "empty selector is invalid for a ReplicaSet"));
    }
    append(found, std::move(errors));
  } else {
    found.push_back(fe::required(spec.path("selector")));
  }

  if (const json* pod_template = member(*spec_value, "template"))
    validate_pod_template(found, *pod_template, spec.path("template"), selector);
  else
    found.push_back(fe::required(spec.path("template")));
}

void validate_service_ports(causes& found, reader& spec) {
  const json* ports = spec.array("ports");
  if (!spec.present("ports") || (ports && ports->empty())) {
    found.push_back(fe::required(spec.path("ports")));
    return;
  }
  const bool several = ports && ports->size() > 1;
  std::set<std::string> names;
  std::set<json> seen;
  for_each_object(found, ports, spec.path("ports"), [&](reader& port, std::size_t i) {
    const auto name = port.string("name");
    if (name && !name->empty()) {
      auto errors = name_rules::dns1123_label(*name);
      add_format_errors(found, port.path("name"), *name, errors);
      if (errors.empty() && !names.insert(*name).second) found.push_back(fe::duplicate(port.path("name"), *name));
    } else if (several && (!port.present("name") || name)) {
      found.push_back(fe::required(port.path("name")));
    }
    const auto number = port.integer("port");
    if (!port.present("port"))
      found.push_back(fe::required(port.path("port")));
    else if (number)
      add_port_number_errors(found, port.path("port"), *number);
    // orkest proxies TCP connections only.
    port.required_one_of("protocol", {"TCP"});
    if (const json* target = member((*ports)[i], "targetPort")) {
      if (target->is_number_integer())
        add_port_number_errors(found, port.path("targetPort"), port.integer("targetPort").value_or(0));
      else if (target->is_string())
        add_format_errors(found, port.path("targetPort"), *target, name_rules::port_name(*target));
      else
        found.push_back(fe::type_invalid(port.path("targetPort"), *target, "integer or string"));
    }
    if (auto node_port = port.integer("nodePort"); node_port && *node_port != 0)
      found.push_back(fe::forbidden(port.path("nodePort"), "may not be used when `type` is 'ClusterIP'"));
    if (number) {
      json key = {{"port", *number}, {"protocol", (*ports)[i].value("protocol", json())}};
      if (!seen.insert(key).second) found.push_back(fe::duplicate(fe::index(spec.path("ports"), i), key));
    }
  });
}

void validate_service(causes& found, const json& object) {
  // Service names become host names inside pods: Kubernetes asks for a DNS-1035 label.
  validate_object_meta(found, object, name_rules::dns1035_label);
  const auto spec_value = spec_of(found, object);
  if (!spec_value) return;
  reader spec(found, *spec_value, "spec");
  spec.required_one_of("type", {"ClusterIP"});
  validate_service_ports(found, spec);
  if (const json* selector = member(*spec_value, "selector"))
    append(found, label_errors(*selector, spec.path("selector")));
  // Connections are spread round-robin; client affinity is not implemented.
  spec.optional_one_of("sessionAffinity", {"None"});
}

// ---- endpoints ----

void validate_endpoints(causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  reader endpoints(found, object, "");
  for_each_object(found, endpoints.array("subsets"), endpoints.path("subsets"), [&](reader& subset, std::size_t) {
    auto address_check = [&](reader& address, std::size_t) { address.required_string("ip"); };
    for_each_object(found, subset.array("addresses"), subset.path("addresses"), address_check);
    for_each_object(found, subset.array("notReadyAddresses"), subset.path("notReadyAddresses"), address_check);
    for_each_object(found, subset.array("ports"), subset.path("ports"), [&](reader& port, std::size_t) {
      if (auto name = port.string("name"); name && !name->empty())
        add_format_errors(found, port.path("name"), *name, name_rules::dns1123_label(*name));
      if (auto number = port.integer("port"))
        add_port_number_errors(found, port.path("port"), *number);
      else if (!port.present("port"))
        found.push_back(fe::required(port.path("port")));
      port.required_one_of("protocol", {"SCTP", "TCP", "UDP"});
    });
  });
}

}  // namespace

std::vector<status_cause> validate(const resource_kind& kind, const json& object) {
  causes found;
  if (!object.is_object()) return {fe::type_invalid("", object, "object")};
  if (kind.kind == "Pod")
    validate_pod(found, object);
  else if (kind.kind == "ReplicaSet")
    validate_replica_set(found, object);
  else if (kind.kind == "Service")
    validate_service(found, object);
  else if (kind.kind == "Endpoints")
    validate_endpoints(found, object);
  return found;
}

bool is_dns1123_label(const std::string& value) { return name_rules::dns1123_label(value).empty(); }

bool is_dns1123_subdomain(const std::string& value) { return name_rules::dns1123_subdomain(value).empty(); }

}  // namespace orkest::api
