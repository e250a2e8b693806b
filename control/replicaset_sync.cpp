#include "control/replicaset_sync.hpp"

#include <algorithm>

#include "control/pod_facts.hpp"
#include "model/json_access.hpp"
#include "model/label_selector.hpp"
#include "model/timestamp.hpp"

namespace orkest::control {

using nlohmann::json;

namespace {

// Kubernetes deletes the least useful pods first: unscheduled/pending before running, not
// ready before ready, younger before older.
int usefulness(const json& pod) {
  auto phase = model::value_at(pod, "/status/phase"_json_pointer, std::string{});
  if (phase != "Running") return 0;
  return is_ready(pod) ? 2 : 1;
}

// When a ready pod is available: once ready for minReadySeconds (Kubernetes' IsPodAvailable),
// by the Ready condition's lastTransitionTime. nullopt: not ready.
std::optional<std::chrono::system_clock::time_point> available_from(const json& pod, int min_ready_seconds) {
  if (!is_ready(pod)) return std::nullopt;
  if (min_ready_seconds <= 0) return std::chrono::system_clock::time_point::min();
  for (const auto& condition : model::value_at(pod, "/status/conditions"_json_pointer, json::array()))
    if (model::string_member(condition, "type") == "Ready")
      if (auto since = model::parse_rfc3339(model::string_member(condition, "lastTransitionTime")))
        return *since + std::chrono::seconds(min_ready_seconds);
  return std::nullopt;
}

json compute_status(const json& replicaset, const std::vector<json>& active, std::chrono::system_clock::time_point now,
                    std::optional<std::chrono::system_clock::duration>& available_in) {
  const int min_ready = model::value_at(replicaset, "/spec/minReadySeconds"_json_pointer, 0);
  int available = 0;
  auto template_labels = model::value_at(replicaset, "/spec/template/metadata/labels"_json_pointer, json::object());
  auto labels = template_labels.get<model::labels>();
  int fully_labeled = 0, ready = 0;
  for (const auto& pod : active) {
    auto pod_labels = model::labels_of(pod);
    if (std::all_of(labels.begin(), labels.end(), [&](const auto& kv) {
          auto it = pod_labels.find(kv.first);
          return it != pod_labels.end() && it->second == kv.second;
        }))
      ++fully_labeled;
    if (is_ready(pod)) ++ready;
    const auto from = available_from(pod, min_ready);
    if (from && *from <= now) ++available;
    else if (from && (!available_in || *from - now < *available_in)) available_in = *from - now;
  }
  return {{"replicas", static_cast<int>(active.size())},
          {"fullyLabeledReplicas", fully_labeled},
          {"readyReplicas", ready},
          {"availableReplicas", available},
          {"observedGeneration", model::value_at(replicaset, "/metadata/generation"_json_pointer, 1)}};
}

}  // namespace

replicaset_plan plan_replicaset(const json& replicaset, const std::vector<json>& owned_pods, int creating,
                                const std::set<std::string>& deleting, std::chrono::system_clock::time_point now) {
  std::vector<json> active;
  for (const auto& pod : owned_pods)
    if (is_active(pod) && !deleting.count(name_of(pod))) active.push_back(pod);

  replicaset_plan plan;
  int desired = model::value_at(replicaset, "/spec/replicas"_json_pointer, 1);
  int diff = desired - static_cast<int>(active.size()) - creating;
  if (diff > 0) {
    plan.create = std::min(diff, burst_replicas);
  } else if (diff < 0 && creating == 0) {
    auto candidates = active;
    std::stable_sort(candidates.begin(), candidates.end(), [](const json& a, const json& b) {
      if (usefulness(a) != usefulness(b)) return usefulness(a) < usefulness(b);
      return model::value_at(a, "/metadata/creationTimestamp"_json_pointer, std::string{}) >
             model::value_at(b, "/metadata/creationTimestamp"_json_pointer, std::string{});
    });
    for (int i = 0; i < -diff && i < static_cast<int>(candidates.size()); ++i)
      plan.remove.push_back(name_of(candidates[i]));
  }
  plan.status = compute_status(replicaset, active, now, plan.available_in);
  return plan;
}

json pod_from_template(const json& replicaset) {
  const auto& metadata = replicaset["metadata"];
  auto template_metadata = model::value_at(replicaset, "/spec/template/metadata"_json_pointer, json::object());
  json pod_metadata = {
      {"generateName", name_of(replicaset) + "-"},
      {"namespace", namespace_of(replicaset)},
      {"labels", template_metadata.value("labels", json::object())},
      {"ownerReferences",
       json::array({{{"apiVersion", "apps/v1"},
                     {"kind", "ReplicaSet"},
                     {"name", metadata["name"]},
                     {"uid", metadata["uid"]},
                     {"controller", true},
                     {"blockOwnerDeletion", true}}})}};
  if (template_metadata.contains("annotations")) pod_metadata["annotations"] = template_metadata["annotations"];
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", pod_metadata},
          {"spec", model::value_at(replicaset, "/spec/template/spec"_json_pointer, json::object())}};
}

}  // namespace orkest::control
