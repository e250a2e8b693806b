#pragma once
// What a ReplicaSet needs done, as a pure function of what the controller has seen: the
// decision half of Kubernetes' syncReplicaSet/manageReplicas, and calculateStatus.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace orkest::control {

struct replicaset_plan {
  int create = 0;                    // pods to create from the template
  std::vector<std::string> remove;   // names of pods to delete
  nlohmann::json status;             // the ReplicaSet's status after this sync
  // When a ready pod will have been ready for minReadySeconds, the earliest: the ReplicaSet is
  // synced again then, so availableReplicas changes at that moment (Kubernetes requeues it too).
  std::optional<std::chrono::system_clock::duration> available_in;
};

// `owned_pods`: every pod whose controlling owner is this ReplicaSet.
// `creating`: creations asked of the store and not yet answered.
// `deleting`: names of pods whose deletion is asked and not yet answered.
// `now`: a ready pod is available once it has been ready for spec.minReadySeconds.
replicaset_plan plan_replicaset(const nlohmann::json& replicaset, const std::vector<nlohmann::json>& owned_pods,
                                int creating, const std::set<std::string>& deleting,
                                std::chrono::system_clock::time_point now);

// The pod a ReplicaSet's template describes: generated name `<rs>-xxxxx`, the template's
// labels and annotations, a controlling ownerReference, the template's spec.
nlohmann::json pod_from_template(const nlohmann::json& replicaset);

// Most creations a single sync asks for, as Kubernetes' burstReplicas.
inline constexpr int burst_replicas = 500;

}  // namespace orkest::control
