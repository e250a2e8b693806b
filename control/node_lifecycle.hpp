#pragma once
// What Kubernetes' node lifecycle controller decides, as pure functions: a node whose lease was
// not renewed within the grace period is Unknown; a node that is not Ready carries the
// NoSchedule and NoExecute taints of its condition; the pods on it that do not tolerate a
// NoExecute taint (or whose tolerationSeconds have run out) are evicted.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace orkest::control {

using clock_time = std::chrono::system_clock::time_point;

inline constexpr const char* unreachable_taint = "node.kubernetes.io/unreachable";
inline constexpr const char* not_ready_taint = "node.kubernetes.io/not-ready";

// What changes each time the node shows it is alive: its lease's renewTime, else its Ready
// condition's lastHeartbeatTime. The controller times a node by when it saw this change (its
// own clock, as Kubernetes' does), not by the time written in it: nodes' clocks may differ.
std::string heartbeat_marker(const nlohmann::json& node, const nlohmann::json& lease);

// "True", "False", "Unknown", or "" when the node has no Ready condition.
std::string ready_status(const nlohmann::json& node);

// The node's status with every condition Unknown ("Kubelet stopped posting node status."),
// as Kubernetes writes it for a node silent longer than the grace period; `now` becomes the
// changed conditions' lastTransitionTime.
nlohmann::json status_unknown(const nlohmann::json& node, clock_time now);

// spec.taints as they must be for the node's Ready condition: unreachable (Unknown) or
// not-ready (False) NoSchedule and NoExecute taints added (timeAdded `now`) or removed; other
// taints kept. Unchanged when nothing differs.
nlohmann::json taints_for_condition(const nlohmann::json& node, clock_time now);

// Whether the pod must leave a node with these taints now; otherwise, when it may stay for a
// while (tolerationSeconds), how long until it must: nullopt and no wait means it stays.
struct eviction_decision {
  bool evict = false;
  std::optional<std::chrono::seconds> evict_in;
};
eviction_decision eviction_for(const nlohmann::json& pod, const nlohmann::json& taints, clock_time now);

}  // namespace orkest::control
