// Pod (core/v1): one container run by podman on this node.

#include "model/container_resources.hpp"
#include "model/kinds/building_blocks.hpp"
#include "model/timestamp.hpp"

namespace orkest::model::kinds {
namespace {

void expand_pod_shorthands(json& object) { expand_env_maps(object); }

void default_pod(json& object) {
  if (json* spec = object_member(object, "spec")) default_pod_spec(*spec);
}

void validate_pod(field_causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  validate_pod_spec(found, member(object, "spec"), "spec");
}

// A pod's spec never changes: orkest runs one container per pod and recreating it is the only
// way to change it.
std::vector<status_cause> validate_pod_update(const json& stored, const json& updated) {
  if (member_or_null(stored, "spec") == member_or_null(updated, "spec")) return {};
  return {fe::forbidden("spec",
                        "pod updates may not change fields other than metadata (orkest runs one container per pod; "
                        "delete and recreate the pod to change its spec)")};
}

// As the apiserver's PrepareForCreate: Pending, with the QoS class its resources give.
json pending_status(const json& pod) { return {{"phase", "Pending"}, {"qosClass", qos_class(member_or_null(pod, "spec"))}}; }

const json& pod_schema() {
  static const json schema = top_level(pod_spec_schema());
  return schema;
}

// ---- printPod ----

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

}  // namespace

kind_strategy pod() {
  kind_strategy strategy;
  strategy.names = {"Pod", "PodList", "pods", "pod", "", "v1", {"po"}, true};
  strategy.categories = {"all"};
  strategy.has_log = true;
  strategy.expand_shorthands = expand_pod_shorthands;
  strategy.apply_defaults = default_pod;
  strategy.validate = validate_pod;
  strategy.validate_update = validate_pod_update;
  strategy.initial_status = pending_status;
  strategy.graceful_deletion = true;
  strategy.bound_to_node = true;
  strategy.has_binding = true;
  strategy.schema = pod_schema;
  strategy.table_columns = pod_columns;
  strategy.table_cells = pod_cells;
  strategy.table_row_conditions = pod_row_conditions;
  return strategy;
}

}  // namespace orkest::model::kinds
