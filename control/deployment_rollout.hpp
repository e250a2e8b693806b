#pragma once
// What a Deployment needs done, as a pure function of the Deployment and the ReplicaSets it
// owns: the decision half of Kubernetes' deployment controller (sync, rolloutRolling,
// rolloutRecreate, cleanupDeployment, syncRolloutStatus). One step per call: the controller
// applies it, the ReplicaSets' changes come back, and it asks again.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace orkest::control {

inline constexpr const char* pod_template_hash_label = "pod-template-hash";
inline constexpr const char* revision_annotation = "deployment.kubernetes.io/revision";

// maxSurge and maxUnavailable of `replicas` as counts: a percentage of surge rounds up, of
// unavailability down; both zero makes unavailability 1 (Kubernetes' ResolveFenceposts).
struct rollout_bounds {
  int max_surge = 0;
  int max_unavailable = 0;
};
rollout_bounds resolve_fenceposts(const nlohmann::json& max_surge, const nlohmann::json& max_unavailable, int replicas);

// An IntOrString as a count of `total` ("25%" of 10 is 2.5: `round_up` says which way).
int scaled_value(const nlohmann::json& value, int total, bool round_up);

// The ReplicaSet name suffix and label value of a pod template: ten characters of [a-z0-9].
std::string pod_template_hash(const nlohmann::json& pod_template);

// Kubernetes' proportional scaling (the deployment controller's scale()): a Deployment resized
// while several ReplicaSets are active spreads the change over them by their share, so the
// rollout keeps its proportions. `active` is oldest first; each one's `max_replicas_before` is
// its deployment.kubernetes.io/max-replicas annotation (0 when absent: `status_replicas` is
// used instead). Returns the new sizes in the order of `active`.
struct sized_replica_set {
  int replicas = 0;
  int max_replicas_before = 0;
};
std::vector<int> proportional_sizes(const std::vector<sized_replica_set>& active, int deployment_replicas, int max_surge,
                                    int status_replicas);

struct deployment_event {
  std::string reason;  // ScalingReplicaSet
  std::string message;
};

struct deployment_plan {
  std::optional<nlohmann::json> create;                // a new ReplicaSet
  // ReplicaSet name -> its new spec.replicas; each one scaled also gets the annotations
  // deployment.kubernetes.io/desired-replicas and max-replicas below.
  std::vector<std::pair<std::string, int>> scale;
  int desired_replicas = 0;                            // the Deployment's spec.replicas
  int max_replicas = 0;                                // spec.replicas + maxSurge
  std::vector<std::string> remove;                     // old ReplicaSets beyond revisionHistoryLimit
  std::string revision;                                // the Deployment's revision annotation
  nlohmann::json status;                               // the Deployment's status after this step
  std::vector<deployment_event> events;
};

// `owned`: every ReplicaSet whose controlling owner is the Deployment. `now`: RFC 3339.
deployment_plan plan_deployment(const nlohmann::json& deployment, const std::vector<nlohmann::json>& owned,
                                const std::string& now);

}  // namespace orkest::control
