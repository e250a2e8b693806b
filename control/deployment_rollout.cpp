#include "control/deployment_rollout.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "model/content_hash.hpp"
#include "model/json_access.hpp"
#include "model/timestamp.hpp"
#include "control/pod_facts.hpp"

namespace orkest::control {

using nlohmann::json;

int scaled_value(const json& value, int total, bool round_up) {
  if (value.is_number_integer()) return std::max(0, value.get<int>());
  if (!value.is_string()) return 0;
  auto text = value.get<std::string>();
  if (text.empty() || text.back() != '%') return 0;
  const double percent = std::strtod(text.c_str(), nullptr);
  const double exact = percent * total / 100.0;
  return static_cast<int>(round_up ? std::ceil(exact) : std::floor(exact));
}

rollout_bounds resolve_fenceposts(const json& max_surge, const json& max_unavailable, int replicas) {
  rollout_bounds bounds{scaled_value(max_surge, replicas, true), scaled_value(max_unavailable, replicas, false)};
  // Both zero would let nothing move: one pod may be unavailable.
  if (bounds.max_surge == 0 && bounds.max_unavailable == 0) bounds.max_unavailable = 1;
  return bounds;
}

std::vector<int> proportional_sizes(const std::vector<sized_replica_set>& active, int deployment_replicas, int max_surge,
                                    int status_replicas) {
  std::vector<int> sizes;
  int total = 0;
  for (const auto& rs : active) {
    sizes.push_back(rs.replicas);
    total += rs.replicas;
  }
  const int allowed = deployment_replicas > 0 ? deployment_replicas + max_surge : 0;
  const int to_add = allowed - total;
  if (to_add == 0 || active.empty()) return sizes;
  // Larger ones first; between equals, newer first when adding and older first when removing.
  std::vector<std::size_t> order(active.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (active[a].replicas != active[b].replicas) return active[a].replicas > active[b].replicas;
    return to_add > 0 ? a > b : a < b;
  });
  int added = 0;
  for (const auto i : order) {
    const auto& rs = active[i];
    if (rs.replicas == 0 || added == to_add) continue;
    int fraction = -rs.replicas;  // scaling to zero: all of it
    if (deployment_replicas > 0) {
      const int before = rs.max_replicas_before > 0 ? rs.max_replicas_before : status_replicas;
      fraction = before == 0 ? 0 : static_cast<int>(std::lround(double(rs.replicas) * allowed / before)) - rs.replicas;
    }
    // Never more than is left to add (or to remove).
    const int proportion = to_add > 0 ? std::min(fraction, to_add - added) : std::max(fraction, to_add - added);
    sizes[i] += proportion;
    added += proportion;
  }
  // What rounding left over goes to the largest.
  sizes[order.front()] = std::max(0, sizes[order.front()] + to_add - added);
  return sizes;
}

std::string pod_template_hash(const json& pod_template) {
  // Kubernetes hashes the template with FNV and encodes it in an alphabet without vowels, so
  // no word forms; the same idea over orkest's content hash.
  static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  const auto digest = model::content_hash(pod_template.dump());
  uint64_t value = std::stoull(digest.substr(0, 16), nullptr, 16);
  std::string hash;
  for (int i = 0; i < 10; ++i) {
    hash += alphabet[value % (sizeof alphabet - 1)];
    value /= sizeof alphabet - 1;
  }
  return hash;
}

namespace {

int integer_at(const json& object, const json::json_pointer& at, int fallback = 0) {
  const auto value = model::value_at(object, at, json());
  return value.is_number_integer() ? value.get<int>() : fallback;
}

int spec_replicas(const json& rs) { return integer_at(rs, "/spec/replicas"_json_pointer, 1); }
int status_replicas(const json& rs) { return integer_at(rs, "/status/replicas"_json_pointer); }
int ready_replicas(const json& rs) { return integer_at(rs, "/status/readyReplicas"_json_pointer); }
int available_replicas(const json& rs) { return integer_at(rs, "/status/availableReplicas"_json_pointer); }

int revision_of(const json& object) {
  const auto text = model::value_at(object, json::json_pointer("/metadata/annotations/deployment.kubernetes.io~1revision"),
                                  std::string{});
  return text.empty() ? 0 : std::atoi(text.c_str());
}

// The template without the hash label: what a ReplicaSet's template is compared by.
json without_hash(json pod_template) {
  if (pod_template.contains("metadata") && pod_template["metadata"].contains("labels") &&
      pod_template["metadata"]["labels"].is_object()) {
    pod_template["metadata"]["labels"].erase(pod_template_hash_label);
    if (pod_template["metadata"]["labels"].empty()) pod_template["metadata"].erase("labels");
  }
  return pod_template;
}

bool older(const json& a, const json& b) {
  const auto ca = model::value_at(a, "/metadata/creationTimestamp"_json_pointer, std::string{});
  const auto cb = model::value_at(b, "/metadata/creationTimestamp"_json_pointer, std::string{});
  if (ca != cb) return ca < cb;
  return name_of(a) < name_of(b);
}

json new_replica_set(const json& deployment, const std::string& hash, int replicas, int revision, int max_replicas) {
  json pod_template = model::value_at(deployment, "/spec/template"_json_pointer, json::object());
  pod_template["metadata"]["labels"][pod_template_hash_label] = hash;
  json selector = model::value_at(deployment, "/spec/selector"_json_pointer, json::object());
  selector["matchLabels"][pod_template_hash_label] = hash;
  json annotations = model::value_at(deployment, "/spec/template/metadata/annotations"_json_pointer, json::object());
  annotations[revision_annotation] = std::to_string(revision);
  annotations["deployment.kubernetes.io/desired-replicas"] = std::to_string(spec_replicas(deployment));
  annotations["deployment.kubernetes.io/max-replicas"] = std::to_string(max_replicas);
  return {{"apiVersion", "apps/v1"},
          {"kind", "ReplicaSet"},
          {"metadata",
           {{"name", name_of(deployment) + "-" + hash},
            {"namespace", namespace_of(deployment)},
            {"labels", pod_template["metadata"]["labels"]},
            {"annotations", annotations},
            {"ownerReferences", json::array({{{"apiVersion", "apps/v1"},
                                              {"kind", "Deployment"},
                                              {"name", name_of(deployment)},
                                              {"uid", uid_of(deployment)},
                                              {"controller", true},
                                              {"blockOwnerDeletion", true}}})}}},
          {"spec",
           {{"replicas", replicas},
            {"minReadySeconds", integer_at(deployment, "/spec/minReadySeconds"_json_pointer)},
            {"selector", selector},
            {"template", pod_template}}}};
}

json condition(const json& previous, const char* type, const char* status, const std::string& reason,
               const std::string& message, const std::string& now) {
  json found = nullptr;
  for (const auto& c : model::member_or_null(previous, "conditions").is_array() ? previous["conditions"] : json::array())
    if (model::string_member(c, "type") == type) found = c;
  const bool same_status = !found.is_null() && model::string_member(found, "status") == status;
  const bool same = same_status && model::string_member(found, "reason") == reason;
  return {{"type", type},
          {"status", status},
          {"lastUpdateTime", same ? model::string_member(found, "lastUpdateTime") : now},
          {"lastTransitionTime", same_status ? model::string_member(found, "lastTransitionTime") : now},
          {"reason", reason},
          {"message", message}};
}

std::optional<int> annotation_count(const json& rs, const char* name) {
  const auto text = model::value_at(rs, "/metadata/annotations"_json_pointer, json::object()).value(name, json());
  if (!text.is_string()) return std::nullopt;
  return std::atoi(text.get<std::string>().c_str());
}

constexpr const char* desired_replicas_annotation = "deployment.kubernetes.io/desired-replicas";
constexpr const char* max_replicas_annotation = "deployment.kubernetes.io/max-replicas";

// `refresh`: also when only its desired-replicas annotation is out of date.
void scale_to(deployment_plan& plan, const json& rs, int replicas, bool refresh = false) {
  const int from = spec_replicas(rs);
  if (from == replicas) {
    if (refresh && annotation_count(rs, desired_replicas_annotation) != std::optional<int>(plan.desired_replicas))
      plan.scale.emplace_back(name_of(rs), replicas);
    return;
  }
  plan.scale.emplace_back(name_of(rs), replicas);
  plan.events.push_back({"ScalingReplicaSet", std::string(replicas > from ? "Scaled up" : "Scaled down") +
                                                   " replica set " + name_of(rs) + " from " + std::to_string(from) +
                                                   " to " + std::to_string(replicas)});
}

// Kubernetes' DeploymentProgressing: more pods updated, ready or available, or fewer old ones.
bool made_progress(const json& before, const json& after) {
  auto count = [](const json& status, const char* name) { return status.value(name, 0); };
  const int old_before = count(before, "replicas") - count(before, "updatedReplicas");
  const int old_after = count(after, "replicas") - count(after, "updatedReplicas");
  return count(after, "updatedReplicas") > count(before, "updatedReplicas") || old_after < old_before ||
         count(after, "readyReplicas") > count(before, "readyReplicas") ||
         count(after, "availableReplicas") > count(before, "availableReplicas");
}

// The Progressing condition, as Kubernetes' syncRolloutStatus and checkPausedConditions: it is
// renewed (lastUpdateTime) only when the rollout made progress; without progress for
// progressDeadlineSeconds it turns False (ProgressDeadlineExceeded) and stays so until progress.
json progressing_condition(const json& deployment, const json& previous, const json& counts, bool paused, bool created,
                           bool complete, const std::string& new_name, const std::string& now) {
  json last = nullptr;
  for (const auto& c : model::member_or_null(previous, "conditions").is_array() ? previous["conditions"] : json::array())
    if (model::string_member(c, "type") == "Progressing") last = c;
  const std::string last_reason = last.is_null() ? "" : model::string_member(last, "reason");
  if (paused) {
    if (last_reason == "ProgressDeadlineExceeded") return last;  // not hidden by a pause
    return condition(previous, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now);
  }
  if (last_reason == "DeploymentPaused")
    return condition(previous, "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", now);
  if (created)
    return condition(previous, "Progressing", "True", "NewReplicaSetCreated", "Created new replica set \"" + new_name + "\"",
                     now);
  if (complete)
    return condition(previous, "Progressing", "True", "NewReplicaSetAvailable",
                     "ReplicaSet \"" + new_name + "\" has successfully progressed.", now);
  const std::string updated_message = "ReplicaSet \"" + new_name + "\" is progressing.";
  if (last.is_null() || made_progress(previous, counts)) {
    json renewed = condition(previous, "Progressing", "True", "ReplicaSetUpdated", updated_message, now);
    renewed["lastUpdateTime"] = now;
    return renewed;
  }
  if (last_reason == "ProgressDeadlineExceeded") return last;
  const int deadline = integer_at(deployment, "/spec/progressDeadlineSeconds"_json_pointer, 600);
  const auto last_update = model::parse_rfc3339(model::string_member(last, "lastUpdateTime"));
  const auto at = model::parse_rfc3339(now);
  if (last_reason != "NewReplicaSetAvailable" && last_update && at && *at - *last_update > std::chrono::seconds(deadline))
    return condition(previous, "Progressing", "False", "ProgressDeadlineExceeded",
                     "ReplicaSet \"" + new_name + "\" has timed out progressing.", now);
  return last;  // no progress, within the deadline: what was said stays
}

// Kubernetes' isScalingEvent: an active ReplicaSet was sized for another replica count.
bool is_scaling_event(const std::vector<json>& owned, int replicas) {
  for (const auto& rs : owned) {
    const auto desired = annotation_count(rs, desired_replicas_annotation);
    if (spec_replicas(rs) > 0 && desired && *desired != replicas) return true;
  }
  return false;
}

// Kubernetes' scale(): a resize (or a paused Deployment) moves no rollout forward; the
// ReplicaSets that run pods are resized, proportionally when a rolling update is under way.
void resize(deployment_plan& plan, const json& deployment, const std::optional<json>& new_rs, const std::vector<json>& old,
            bool rolling, int max_surge) {
  const int replicas = plan.desired_replicas;
  std::vector<const json*> active;  // oldest first, the new one last
  for (const auto& rs : old)
    if (spec_replicas(rs) > 0) active.push_back(&rs);
  if (new_rs && spec_replicas(*new_rs) > 0) active.push_back(&*new_rs);
  if (active.size() <= 1) {
    const json* only = !active.empty() ? active.front() : new_rs ? &*new_rs : !old.empty() ? &old.back() : nullptr;
    if (only) scale_to(plan, *only, replicas, true);
    return;
  }
  const bool saturated = new_rs && spec_replicas(*new_rs) == replicas &&
                         annotation_count(*new_rs, desired_replicas_annotation) == std::optional<int>(replicas) &&
                         available_replicas(*new_rs) == replicas;
  if (saturated) {
    for (const auto* rs : active)
      if (rs != &*new_rs) scale_to(plan, *rs, 0);
    return;
  }
  if (!rolling) return;
  std::vector<sized_replica_set> sized;
  for (const auto* rs : active) sized.push_back({spec_replicas(*rs), annotation_count(*rs, max_replicas_annotation).value_or(0)});
  const auto sizes = proportional_sizes(sized, replicas, max_surge, integer_at(deployment, "/status/replicas"_json_pointer));
  for (std::size_t i = 0; i < active.size(); ++i) scale_to(plan, *active[i], sizes[i], true);
}

}  // namespace

deployment_plan plan_deployment(const json& deployment, const std::vector<json>& owned, const std::string& now) {
  deployment_plan plan;
  const int replicas = spec_replicas(deployment);
  const json pod_template = model::value_at(deployment, "/spec/template"_json_pointer, json::object());
  const auto strategy = model::value_at(deployment, "/spec/strategy/type"_json_pointer, std::string{"RollingUpdate"});
  const bool paused = model::value_at(deployment, "/spec/paused"_json_pointer, false);
  const auto bounds =
      strategy == "Recreate"
          ? rollout_bounds{0, replicas}
          : resolve_fenceposts(model::value_at(deployment, "/spec/strategy/rollingUpdate/maxSurge"_json_pointer, json("25%")),
                               model::value_at(deployment, "/spec/strategy/rollingUpdate/maxUnavailable"_json_pointer, json("25%")),
                               replicas);

  // The new ReplicaSet runs the current template; every other one is old, oldest first.
  std::optional<json> new_rs;
  std::vector<json> old;
  for (const auto& rs : owned) {
    if (!new_rs && without_hash(model::value_at(rs, "/spec/template"_json_pointer, json::object())) == without_hash(pod_template))
      new_rs = rs;
    else
      old.push_back(rs);
  }
  std::sort(old.begin(), old.end(), older);
  int max_old_revision = 0;
  for (const auto& rs : old) max_old_revision = std::max(max_old_revision, revision_of(rs));

  int all_replicas = 0;
  for (const auto& rs : owned) all_replicas += spec_replicas(rs);
  bool created = false;
  plan.desired_replicas = replicas;
  plan.max_replicas = replicas + bounds.max_surge;

  if (new_rs) {
    // A template rolled back to: its ReplicaSet becomes the newest revision.
    const int revision = revision_of(*new_rs);
    plan.revision = std::to_string(revision <= max_old_revision ? max_old_revision + 1 : revision);
  }

  if (paused || is_scaling_event(owned, replicas)) {
    resize(plan, deployment, new_rs, old, strategy != "Recreate", bounds.max_surge);
  } else if (!new_rs) {
    // Its first replicas: as many as the surge allows (Recreate: none while old pods run).
    int first = 0;
    if (strategy == "Recreate") {
      bool old_running = false;
      for (const auto& rs : old) old_running = old_running || spec_replicas(rs) > 0 || status_replicas(rs) > 0;
      first = old_running ? 0 : replicas;
    } else {
      first = std::min(replicas, std::max(0, replicas + bounds.max_surge - all_replicas));
    }
    const auto hash = pod_template_hash(pod_template);
    plan.create = new_replica_set(deployment, hash, first, max_old_revision + 1, replicas + bounds.max_surge);
    plan.revision = std::to_string(max_old_revision + 1);
    if (first > 0)
      plan.events.push_back({"ScalingReplicaSet", "Scaled up replica set " + name_of(*plan.create) + " from 0 to " +
                                                      std::to_string(first)});
    created = true;
  } else {
    const int new_replicas = spec_replicas(*new_rs);
    if (strategy == "Recreate") {
      bool old_left = false;
      for (const auto& rs : old) {
        if (spec_replicas(rs) > 0) scale_to(plan, rs, 0);
        old_left = old_left || spec_replicas(rs) > 0 || status_replicas(rs) > 0;
      }
      if (!old_left) scale_to(plan, *new_rs, replicas);
    } else if (new_replicas > replicas) {
      scale_to(plan, *new_rs, replicas);
    } else if (new_replicas < replicas && all_replicas < replicas + bounds.max_surge) {
      scale_to(plan, *new_rs, new_replicas + std::min(replicas + bounds.max_surge - all_replicas, replicas - new_replicas));
    } else {
      // Old pods go as far as availability allows: unhealthy ones first, then available ones.
      const int min_available = replicas - bounds.max_unavailable;
      const int new_unavailable = std::max(0, new_replicas - available_replicas(*new_rs));
      int may_go = all_replicas - min_available - new_unavailable;
      // Kubernetes' reconcileOldReplicaSets: nothing old goes while the new pods not yet
      // available already use up what may be unavailable (a stale availableReplicas of an old
      // ReplicaSet would otherwise let one more go).
      if (may_go <= 0) may_go = 0;
      std::vector<std::pair<const json*, int>> targets;
      for (const auto& rs : old) targets.emplace_back(&rs, spec_replicas(rs));
      for (auto& [rs, target] : targets) {
        if (may_go <= 0) break;
        const int unhealthy = std::max(0, target - available_replicas(*rs));
        const int down = std::min(may_go, unhealthy);
        target -= down;
        may_go -= down;
      }
      int available = 0;
      for (const auto& rs : owned) available += available_replicas(rs);
      int scale_down = may_go > 0 ? std::max(0, available - min_available) : 0;
      for (auto& [rs, target] : targets) {
        if (scale_down <= 0) break;
        const int down = std::min(target, scale_down);
        target -= down;
        scale_down -= down;
      }
      for (const auto& [rs, target] : targets) scale_to(plan, *rs, target);
    }
  }
  // Old ReplicaSets with nothing left, beyond revisionHistoryLimit, oldest first.
  const int history = integer_at(deployment, "/spec/revisionHistoryLimit"_json_pointer, 10);
  std::vector<const json*> idle;
  for (const auto& rs : old)
    if (spec_replicas(rs) == 0 && status_replicas(rs) == 0) idle.push_back(&rs);
  for (std::size_t i = 0; static_cast<int>(idle.size() - i) > history && i < idle.size(); ++i)
    plan.remove.push_back(name_of(*idle[i]));

  // Status, as Kubernetes' calculateStatus and syncRolloutStatus.
  int status_total = 0, ready = 0, available = 0;
  for (const auto& rs : owned) {
    status_total += status_replicas(rs);
    ready += ready_replicas(rs);
    available += available_replicas(rs);
  }
  const int updated = new_rs ? status_replicas(*new_rs) : 0;
  const json previous = model::value_at(deployment, "/status"_json_pointer, json::object());
  json status = {{"observedGeneration", model::value_at(deployment, "/metadata/generation"_json_pointer, 1)},
                 {"replicas", status_total},
                 {"updatedReplicas", updated},
                 {"readyReplicas", ready},
                 {"availableReplicas", available},
                 {"unavailableReplicas", std::max(0, replicas - available)}};
  const bool minimum = available >= replicas - bounds.max_unavailable;
  json conditions = json::array();
  conditions.push_back(minimum ? condition(previous, "Available", "True", "MinimumReplicasAvailable",
                                           "Deployment has minimum availability.", now)
                               : condition(previous, "Available", "False", "MinimumReplicasUnavailable",
                                           "Deployment does not have minimum availability.", now));
  const std::string new_name = plan.create ? name_of(*plan.create) : new_rs ? name_of(*new_rs) : "";
  const bool complete = new_rs && updated == replicas && available >= replicas && status_total == replicas &&
                        spec_replicas(*new_rs) == replicas;
  conditions.push_back(progressing_condition(deployment, previous, status, paused, created, complete, new_name, now));
  status["conditions"] = conditions;
  plan.status = status;
  return plan;
}

}  // namespace orkest::control
