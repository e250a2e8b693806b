#include "control/node_lifecycle.hpp"

#include <algorithm>

#include "model/json_access.hpp"
#include "model/timestamp.hpp"
#include "control/scheduling.hpp"

namespace orkest::control {

using nlohmann::json;
using model::member_or_null;
using model::string_member;

namespace {

const json& ready_condition(const json& node) {
  const json& conditions = member_or_null(member_or_null(node, "status"), "conditions");
  if (conditions.is_array())
    for (const auto& condition : conditions)
      if (string_member(condition, "type") == "Ready") return condition;
  static const json none;
  return none;
}

bool is_condition_taint(const json& taint) {
  const auto key = string_member(taint, "key");
  const auto effect = string_member(taint, "effect");
  return (key == unreachable_taint || key == not_ready_taint) && (effect == "NoSchedule" || effect == "NoExecute");
}

}  // namespace

std::string heartbeat_marker(const json& node, const json& lease) {
  auto renewed = string_member(member_or_null(lease, "spec"), "renewTime");
  if (!renewed.empty()) return renewed;
  return string_member(ready_condition(node), "lastHeartbeatTime");
}

std::string ready_status(const json& node) { return string_member(ready_condition(node), "status"); }

json status_unknown(const json& node, clock_time now) {
  json status = member_or_null(node, "status");
  if (!status.is_object()) status = json::object();
  json& conditions = status["conditions"];
  if (!conditions.is_array()) conditions = json::array();
  bool has_ready = false;
  for (auto& condition : conditions) {
    if (!condition.is_object()) continue;
    has_ready = has_ready || string_member(condition, "type") == "Ready";
    if (string_member(condition, "status") == "Unknown") continue;
    condition["status"] = "Unknown";
    condition["reason"] = "NodeStatusUnknown";
    condition["message"] = "Kubelet stopped posting node status.";
    condition["lastTransitionTime"] = model::rfc3339(now);
  }
  if (!has_ready)
    conditions.push_back({{"type", "Ready"},
                          {"status", "Unknown"},
                          {"reason", "NodeStatusNeverUpdated"},
                          {"message", "Kubelet never posted node status."},
                          {"lastHeartbeatTime", string_member(member_or_null(node, "metadata"), "creationTimestamp")},
                          {"lastTransitionTime", model::rfc3339(now)}});
  return status;
}

json taints_for_condition(const json& node, clock_time now) {
  const json& current = member_or_null(member_or_null(node, "spec"), "taints");
  json taints = json::array();
  const auto status = ready_status(node);
  const char* wanted = status == "Unknown" ? unreachable_taint : status == "False" ? not_ready_taint : nullptr;
  std::vector<std::string> present;
  if (current.is_array())
    for (const auto& taint : current) {
      if (is_condition_taint(taint)) {
        if (!wanted || string_member(taint, "key") != wanted) continue;  // the condition it stood for passed
        present.push_back(string_member(taint, "effect"));
      }
      taints.push_back(taint);
    }
  if (wanted)
    for (const char* effect : {"NoSchedule", "NoExecute"})
      if (std::find(present.begin(), present.end(), effect) == present.end()) {
        json taint = {{"key", wanted}, {"effect", effect}};
        if (std::string(effect) == "NoExecute") taint["timeAdded"] = model::rfc3339(now);
        taints.push_back(taint);
      }
  return taints;
}

eviction_decision eviction_for(const json& pod, const json& taints, clock_time now) {
  const json& tolerations = member_or_null(member_or_null(pod, "spec"), "tolerations");
  eviction_decision decision;
  if (!taints.is_array()) return decision;
  std::optional<clock_time> deadline;
  for (const auto& taint : taints) {
    if (string_member(taint, "effect") != "NoExecute") continue;
    // The shortest tolerationSeconds of the tolerations that tolerate it (Kubernetes'
    // getMinTolerationTime); none: it may stay for good.
    std::optional<std::int64_t> shortest;
    bool tolerated = false;
    if (tolerations.is_array())
      for (const auto& toleration : tolerations) {
        if (!toleration_matches(toleration, taint)) continue;
        tolerated = true;
        const json& seconds = member_or_null(toleration, "tolerationSeconds");
        if (seconds.is_number_integer())
          shortest = std::min(shortest.value_or(seconds.get<std::int64_t>()), seconds.get<std::int64_t>());
      }
    if (!tolerated) return {true, std::nullopt};
    if (!shortest) continue;
    const auto added = model::parse_rfc3339(string_member(taint, "timeAdded")).value_or(now);
    const auto until = added + std::chrono::seconds(std::max<std::int64_t>(*shortest, 0));
    deadline = deadline ? std::min(*deadline, until) : until;
  }
  if (!deadline) return decision;
  if (*deadline <= now) return {true, std::nullopt};
  decision.evict_in = std::chrono::ceil<std::chrono::seconds>(*deadline - now);
  return decision;
}

}  // namespace orkest::control
