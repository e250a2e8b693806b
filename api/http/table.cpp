#include "api/http/table.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <vector>

#include "api/json_access.hpp"
#include "api/label_selector.hpp"
#include "api/timestamp.hpp"

namespace orkest::api::http {

using nlohmann::json;

namespace {

int64_t integer(const json& object, const char* key) {
  const auto& value = member_or_null(object, key);
  return value.is_number_integer() ? value.get<int64_t>() : 0;
}

std::string join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

std::string or_none(std::string value) { return value.empty() ? "<none>" : value; }

// Kubernetes' translateTimestampSince.
std::string age_of(const std::string& timestamp, std::chrono::system_clock::time_point now) {
  auto when = parse_rfc3339(timestamp);
  if (!when) return "<unknown>";
  return human_duration(now - *when);
}

json column(const char* name, const char* type, const char* description, int priority = 0,
            const char* format = "") {
  return {{"name", name}, {"type", type}, {"format", format}, {"description", description}, {"priority", priority}};
}

const char* name_description =
    "Name must be unique within a namespace. Is required when creating resources, although some resources may "
    "allow a client to request the generation of an appropriate name automatically. Name is primarily intended "
    "for creation idempotence and configuration definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const char* age_description =
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not "
    "guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It "
    "is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More "
    "info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

// ---- Pods (printPod) ----

json pod_columns() {
  return json::array({
      column("Name", "string", name_description, 0, "name"),
      column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
      column("Status", "string", "The aggregate status of the containers in this pod."),
      column("Restarts", "string",
             "The number of times the containers in this pod have been restarted and when the last container in "
             "this pod has restarted."),
      column("Age", "string", age_description),
      column("IP", "string",
             "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet "
             "allocated.",
             1),
      column("Node", "string",
             "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for "
             "scheduling by the scheduler defined in schedulerName.",
             1),
      column("Nominated Node", "string",
             "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be "
             "scheduled right away as preemption victims receive their graceful termination periods.",
             1),
      column("Readiness Gates", "string",
             "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its "
             "containers are ready AND all conditions specified in the readiness gates have status equal to "
             "\"True\"",
             1),
  });
}

bool pod_ready_condition_true(const json& status) {
  const auto& conditions = member_or_null(status, "conditions");
  if (!conditions.is_array()) return false;
  for (const auto& condition : conditions)
    if (string_member(condition, "type") == "Ready") return string_member(condition, "status") == "True";
  return false;
}

json pod_cells(const json& pod, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(pod, "metadata");
  const auto& spec = member_or_null(pod, "spec");
  const auto& status = member_or_null(pod, "status");
  const auto& containers = member_or_null(spec, "containers");
  const auto& statuses = member_or_null(status, "containerStatuses");
  std::size_t total = containers.is_array() ? containers.size() : 0;

  std::string reason = string_member(status, "phase");
  if (!string_member(status, "reason").empty()) reason = string_member(status, "reason");

  int64_t restarts = 0;
  std::optional<std::chrono::system_clock::time_point> last_restart;
  std::size_t ready = 0;
  bool has_running = false;
  if (statuses.is_array()) {
    for (const auto& container : statuses) {
      restarts += integer(container, "restartCount");
      const auto& terminated = member_or_null(member_or_null(container, "lastState"), "terminated");
      if (auto finished = parse_rfc3339(string_member(terminated, "finishedAt")))
        if (!last_restart || *finished > *last_restart) last_restart = finished;
    }
    for (auto it = statuses.rbegin(); it != statuses.rend(); ++it) {
      const auto& state = member_or_null(*it, "state");
      const auto& waiting = member_or_null(state, "waiting");
      const auto& terminated = member_or_null(state, "terminated");
      if (waiting.is_object() && !string_member(waiting, "reason").empty()) {
        reason = string_member(waiting, "reason");
      } else if (terminated.is_object() && !string_member(terminated, "reason").empty()) {
        reason = string_member(terminated, "reason");
      } else if (terminated.is_object()) {
        if (integer(terminated, "signal") != 0)
          reason = "Signal:" + std::to_string(integer(terminated, "signal"));
        else
          reason = "ExitCode:" + std::to_string(integer(terminated, "exitCode"));
      } else if (member_or_null(*it, "ready") == true && member_or_null(state, "running").is_object()) {
        has_running = true;
        ++ready;
      }
    }
  }
  // A container that completed while another still runs: the pod is Running (or NotReady).
  if (reason == "Completed" && has_running) reason = pod_ready_condition_true(status) ? "Running" : "NotReady";
  if (member_or_null(metadata, "deletionTimestamp").is_string())
    reason = string_member(status, "reason") == "NodeLost" ? "Unknown" : "Terminating";

  std::string restarts_text = std::to_string(restarts);
  if (restarts != 0 && last_restart) restarts_text += " (" + human_duration(now - *last_restart) + " ago)";

  std::string readiness_gates = "<none>";
  const auto& gates = member_or_null(spec, "readinessGates");
  if (gates.is_array() && !gates.empty()) {
    std::size_t true_gates = 0;
    const auto& conditions = member_or_null(status, "conditions");
    for (const auto& gate : gates)
      if (conditions.is_array())
        for (const auto& condition : conditions)
          if (string_member(condition, "type") == string_member(gate, "conditionType") && string_member(condition, "status") == "True")
            ++true_gates;
    readiness_gates = std::to_string(true_gates) + "/" + std::to_string(gates.size());
  }

  return json::array({string_member(metadata, "name"), std::to_string(ready) + "/" + std::to_string(total), reason,
                      restarts_text, age_of(string_member(metadata, "creationTimestamp"), now),
                      or_none(string_member(status, "podIP")), or_none(string_member(spec, "nodeName")),
                      or_none(string_member(status, "nominatedNodeName")), readiness_gates});
}

json pod_row_conditions(const json& pod) {
  auto phase = string_member(member_or_null(pod, "status"), "phase");
  if (phase == "Succeeded")
    return json::array({{{"type", "Completed"}, {"status", "True"}, {"reason", "Succeeded"},
                         {"message", "The pod has completed successfully."}}});
  if (phase == "Failed")
    return json::array({{{"type", "Completed"}, {"status", "True"}, {"reason", "Failed"},
                         {"message", "The pod has failed."}}});
  return nullptr;
}

// ---- ReplicaSets (printReplicaSet) ----

json replicaset_columns() {
  return json::array({
      column("Name", "string", name_description, 0, "name"),
      column("Desired", "integer",
             "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and "
             "unspecified. Defaults to 1. More info: "
             "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#what-is-a-replicaset"),
      column("Current", "integer",
             "Replicas is the most recently observed number of non-terminating pods. More info: "
             "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#what-is-a-replicaset"),
      column("Ready", "integer",
             "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
      column("Age", "string", age_description),
      column("Containers", "string", "Names of each container in the template.", 1),
      column("Images", "string", "Images referenced by each container in the template.", 1),
      column("Selector", "string",
             "Selector is a label query over pods that should match the replica count. Label keys and values that "
             "must match in order to be controlled by this replica set. It must match the pod template's labels. "
             "More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
             1),
  });
}

std::string selector_text(const json& selector) { return or_none(label_selector_string(selector)); }

json replicaset_cells(const json& rs, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(rs, "metadata");
  const auto& spec = member_or_null(rs, "spec");
  const auto& status = member_or_null(rs, "status");
  std::vector<std::string> names, images;
  const auto& containers = member_or_null(member_or_null(member_or_null(spec, "template"), "spec"), "containers");
  if (containers.is_array())
    for (const auto& container : containers) {
      names.push_back(string_member(container, "name"));
      images.push_back(string_member(container, "image"));
    }
  const auto& replicas = member_or_null(spec, "replicas");
  return json::array({string_member(metadata, "name"), replicas.is_number_integer() ? replicas.get<int64_t>() : 1,
                      integer(status, "replicas"), integer(status, "readyReplicas"),
                      age_of(string_member(metadata, "creationTimestamp"), now), join(names, ","), join(images, ","),
                      selector_text(member_or_null(spec, "selector"))});
}

// ---- Services (printService) ----

json service_columns() {
  return json::array({
      column("Name", "string", name_description, 0, "name"),
      column("Type", "string",
             "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, "
             "ClusterIP, NodePort, and LoadBalancer."),
      column("Cluster-IP", "string",
             "clusterIP is the IP address of the service and is usually assigned randomly. If an address is "
             "specified manually, is in-range (as per system configuration), and is not in use, it will be "
             "allocated to the service; otherwise creation of the service will fail."),
      column("External-IP", "string",
             "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for "
             "this service."),
      column("Port(s)", "string", "The list of ports that are exposed by this service."),
      column("Age", "string", age_description),
      column("Selector", "string",
             "Route service traffic to pods with label keys and values matching this selector. If empty or not "
             "present, the service is assumed to have an external process managing its endpoints, which "
             "Kubernetes will not modify.",
             1),
  });
}

std::vector<std::string> strings_of(const json& list) {
  std::vector<std::string> out;
  if (list.is_array())
    for (const auto& item : list)
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

std::string service_external_ip(const json& spec, const json& status) {
  auto type = string_member(spec, "type");
  if (type.empty()) type = "ClusterIP";
  auto external = strings_of(member_or_null(spec, "externalIPs"));
  if (type == "ClusterIP" || type == "NodePort") return external.empty() ? "<none>" : join(external, ",");
  if (type == "LoadBalancer") {
    std::vector<std::string> ips;
    const auto& ingress = member_or_null(member_or_null(status, "loadBalancer"), "ingress");
    if (ingress.is_array())
      for (const auto& entry : ingress) {
        if (!string_member(entry, "ip").empty()) ips.push_back(string_member(entry, "ip"));
        else if (!string_member(entry, "hostname").empty()) ips.push_back(string_member(entry, "hostname"));
      }
    ips.insert(ips.end(), external.begin(), external.end());
    return ips.empty() ? "<pending>" : join(ips, ",");
  }
  if (type == "ExternalName") return string_member(spec, "externalName");
  return "<unknown>";
}

std::string service_ports(const json& spec) {
  std::vector<std::string> pieces;
  const auto& ports = member_or_null(spec, "ports");
  if (ports.is_array())
    for (const auto& port : ports) {
      auto protocol = string_member(port, "protocol");
      if (protocol.empty()) protocol = "TCP";
      std::string piece = std::to_string(integer(port, "port"));
      if (integer(port, "nodePort") > 0) piece += ":" + std::to_string(integer(port, "nodePort"));
      pieces.push_back(piece + "/" + protocol);
    }
  return or_none(join(pieces, ","));
}

std::string map_text(const json& map) {
  std::vector<std::string> pairs;  // json objects iterate in key order
  if (map.is_object())
    for (auto it = map.begin(); it != map.end(); ++it)
      pairs.push_back(it.key() + "=" + (it->is_string() ? it->get<std::string>() : it->dump()));
  return or_none(join(pairs, ","));
}

json service_cells(const json& svc, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(svc, "metadata");
  const auto& spec = member_or_null(svc, "spec");
  auto type = string_member(spec, "type");
  if (type.empty()) type = "ClusterIP";
  std::string cluster_ip = "<none>";
  auto cluster_ips = strings_of(member_or_null(spec, "clusterIPs"));
  if (!cluster_ips.empty()) cluster_ip = cluster_ips.front();
  else if (!string_member(spec, "clusterIP").empty()) cluster_ip = string_member(spec, "clusterIP");
  return json::array({string_member(metadata, "name"), type, cluster_ip, service_external_ip(spec, member_or_null(svc, "status")),
                      service_ports(spec), age_of(string_member(metadata, "creationTimestamp"), now),
                      map_text(member_or_null(spec, "selector"))});
}

// ---- Endpoints (printEndpoints) ----

json endpoints_columns() {
  return json::array({
      column("Name", "string", name_description, 0, "name"),
      column("Endpoints", "string", "Endpoints of the service"),
      column("Age", "string", age_description),
  });
}

std::string host_port(const std::string& ip, int64_t port) {
  bool v6 = ip.find(':') != std::string::npos;
  return (v6 ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

// formatEndpoints: at most three addresses, then "+ N more...".
std::string endpoints_text(const json& endpoints) {
  const auto& subsets = member_or_null(endpoints, "subsets");
  if (!subsets.is_array() || subsets.empty()) return "<none>";
  constexpr std::size_t max = 3;
  std::vector<std::string> list;
  bool more = false;
  std::size_t count = 0;
  for (const auto& subset : subsets) {
    const auto& addresses = member_or_null(subset, "addresses");
    const auto& ports = member_or_null(subset, "ports");
    std::size_t address_count = addresses.is_array() ? addresses.size() : 0;
    if (!ports.is_array() || ports.empty()) {
      count += address_count;
      for (std::size_t i = 0; i < address_count; ++i) {
        if (list.size() == max) {
          more = true;
          break;
        }
        list.push_back(string_member(addresses[i], "ip"));
      }
      continue;
    }
    for (const auto& port : ports) {
      count += address_count;
      for (std::size_t i = 0; i < address_count; ++i) {
        if (list.size() == max) {
          more = true;
          break;
        }
        list.push_back(host_port(string_member(addresses[i], "ip"), integer(port, "port")));
      }
    }
  }
  auto joined = join(list, ",");
  if (more) return joined + " + " + std::to_string(count - max) + " more...";
  return or_none(joined);
}

json endpoints_cells(const json& endpoints, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(endpoints, "metadata");
  return json::array(
      {string_member(metadata, "name"), endpoints_text(endpoints), age_of(string_member(metadata, "creationTimestamp"), now)});
}

json row_object(const json& object, const table_options& options) {
  switch (options.include) {
    case include_object::none:
      return nullptr;
    case include_object::object:
      return object;
    case include_object::metadata:
      break;
  }
  return {{"kind", "PartialObjectMetadata"},
          {"apiVersion", options.api_version},
          {"metadata", member_or_null(object, "metadata").is_object() ? member_or_null(object, "metadata") : json::object()}};
}

json row_for(const resource_kind& kind, const json& object, const table_options& options) {
  json row = {{"cells", table_cells(kind, object, options.now)}};
  if (kind.kind == "Pod")
    if (auto conditions = pod_row_conditions(object); !conditions.is_null()) row["conditions"] = conditions;
  auto carried = row_object(object, options);
  if (!carried.is_null()) row["object"] = std::move(carried);
  return row;
}

std::string trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

std::optional<std::string> table_version_wanted(std::string_view accept) {
  std::size_t start = 0;
  while (start <= accept.size()) {
    auto end = accept.find(',', start);
    if (end == std::string_view::npos) end = accept.size();
    auto media = accept.substr(start, end - start);
    start = end + 1;
    // "application/json;as=Table;v=v1;g=meta.k8s.io"
    std::vector<std::string> parts;
    std::size_t from = 0;
    while (from <= media.size()) {
      auto semicolon = media.find(';', from);
      if (semicolon == std::string_view::npos) semicolon = media.size();
      parts.push_back(trim(media.substr(from, semicolon - from)));
      from = semicolon + 1;
    }
    if (parts.empty() || parts[0].empty()) continue;
    const auto& type = parts[0];
    std::map<std::string, std::string> params;
    for (std::size_t i = 1; i < parts.size(); ++i) {
      auto equals = parts[i].find('=');
      if (equals != std::string::npos) params[parts[i].substr(0, equals)] = parts[i].substr(equals + 1);
    }
    bool json_type = type == "application/json" || type == "*/*" || type == "application/*";
    if (!json_type) continue;  // protobuf and the like: orkest answers JSON only
    auto as = params.find("as");
    if (as == params.end()) return std::nullopt;  // plain JSON is preferred
    if (as->second != "Table") continue;          // PartialObjectMetadata(List): not served
    auto group = params.count("g") ? params["g"] : "";
    auto version = params.count("v") ? params["v"] : "";
    if (group != "meta.k8s.io") continue;
    if (version == "v1" || version == "v1beta1") return "meta.k8s.io/" + version;
  }
  return std::nullopt;
}

std::optional<include_object> parse_include_object(std::string_view value) {
  if (value.empty() || value == "Metadata") return include_object::metadata;
  if (value == "None") return include_object::none;
  if (value == "Object") return include_object::object;
  return std::nullopt;
}

json table_columns(const resource_kind& kind) {
  if (kind.kind == "Pod") return pod_columns();
  if (kind.kind == "ReplicaSet") return replicaset_columns();
  if (kind.kind == "Service") return service_columns();
  if (kind.kind == "Endpoints") return endpoints_columns();
  // Kubernetes' default for kinds without a printer.
  return json::array({column("Name", "string", name_description, 0, "name"), column("Created At", "date", age_description)});
}

json table_cells(const resource_kind& kind, const json& object, std::chrono::system_clock::time_point now) {
  if (kind.kind == "Pod") return pod_cells(object, now);
  if (kind.kind == "ReplicaSet") return replicaset_cells(object, now);
  if (kind.kind == "Service") return service_cells(object, now);
  if (kind.kind == "Endpoints") return endpoints_cells(object, now);
  const auto& metadata = member_or_null(object, "metadata");
  return json::array({string_member(metadata, "name"), string_member(metadata, "creationTimestamp")});
}

json to_table(const resource_kind& kind, const json& object_or_list, const table_options& options) {
  json rows = json::array();
  const auto& items = member_or_null(object_or_list, "items");
  bool is_list = items.is_array();
  if (is_list) {
    for (const auto& item : items) rows.push_back(row_for(kind, item, options));
  } else {
    rows.push_back(row_for(kind, object_or_list, options));
  }
  json metadata = json::object();
  auto version = string_member(member_or_null(object_or_list, "metadata"), "resourceVersion");
  if (!version.empty()) metadata["resourceVersion"] = version;
  return {{"kind", "Table"},
          {"apiVersion", options.api_version},
          {"metadata", metadata},
          {"columnDefinitions", table_columns(kind)},
          {"rows", rows}};
}

}  // namespace orkest::api::http
