#include "control/volume_binding.hpp"

#include <algorithm>
#include <set>

#include "model/container_resources.hpp"
#include "model/json_access.hpp"
#include "model/kinds/persistent_storage.hpp"
#include "model/label_selector.hpp"
#include "control/pod_facts.hpp"

namespace orkest::control {

using nlohmann::json;
using model::member_or_null;
using model::string_member;

namespace {

constexpr const char* provisioned_by = "pv.kubernetes.io/provisioned-by";
constexpr const char* bind_completed = "pv.kubernetes.io/bind-completed";

long long requested_bytes(const json& claim) {
  return model::kinds::storage_bytes(
      member_or_null(member_or_null(member_or_null(member_or_null(claim, "spec"), "resources"), "requests"), "storage"));
}
long long capacity_bytes(const json& volume) {
  return model::kinds::storage_bytes(member_or_null(member_or_null(member_or_null(volume, "spec"), "capacity"), "storage"));
}

std::set<std::string> modes_of(const json& spec) {
  std::set<std::string> modes;
  for (const auto& mode : member_or_null(spec, "accessModes").is_array() ? spec["accessModes"] : json::array())
    if (mode.is_string()) modes.insert(mode.get<std::string>());
  return modes;
}

const json* class_named(const std::vector<json>& classes, const std::string& name) {
  for (const auto& storage_class : classes)
    if (name_of(storage_class) == name) return &storage_class;
  return nullptr;
}

const json* volume_named(const std::vector<json>& volumes, const std::string& name) {
  for (const auto& volume : volumes)
    if (name_of(volume) == name) return &volume;
  return nullptr;
}

// The volume's claimRef names this claim (by namespace and name, and uid when it has one).
bool claimed_by(const json& volume, const json& claim) {
  const json& ref = member_or_null(member_or_null(volume, "spec"), "claimRef");
  if (!ref.is_object()) return false;
  if (string_member(ref, "namespace") != namespace_of(claim) || string_member(ref, "name") != name_of(claim)) return false;
  const std::string uid = string_member(ref, "uid");
  return uid.empty() || uid == uid_of(claim);
}

bool has_claim_ref(const json& volume) { return member_or_null(member_or_null(volume, "spec"), "claimRef").is_object(); }

// Kubernetes' checks of a volume against a claim: class, access modes, size, volume mode,
// selector. Empty when it fits, else why not.
bool fits(const json& volume, const json& claim, const std::string& claim_class) {
  const json& spec = member_or_null(volume, "spec");
  const json& claim_spec = member_or_null(claim, "spec");
  if (string_member(spec, "storageClassName") != claim_class) return false;
  const auto offered = modes_of(spec);
  for (const auto& mode : modes_of(claim_spec))
    if (!offered.count(mode)) return false;
  if (capacity_bytes(volume) < requested_bytes(claim)) return false;
  if (string_member(spec, "volumeMode") != string_member(claim_spec, "volumeMode") &&
      !(string_member(spec, "volumeMode").empty() || string_member(claim_spec, "volumeMode").empty()))
    return false;
  const json& selector = member_or_null(claim_spec, "selector");
  if (selector.is_object()) {
    auto parsed = model::label_selector::from_json(selector);
    if (!std::holds_alternative<model::label_selector>(parsed) ||
        !std::get<model::label_selector>(parsed).matches(model::labels_of(volume)))
      return false;
  }
  return true;
}

claim_decision wait(std::string reason, std::string message, std::string type = "Normal") {
  claim_decision decision;
  decision.action = claim_action::wait;
  decision.event_type = std::move(type);
  decision.reason = std::move(reason);
  decision.message = std::move(message);
  return decision;
}

}  // namespace

const json* default_class(const std::vector<json>& classes) {
  const json* found = nullptr;
  for (const auto& storage_class : classes)
    if (string_member(member_or_null(member_or_null(storage_class, "metadata"), "annotations"),
                      model::kinds::default_class_annotation) == "true")
      if (!found || string_member(storage_class["metadata"], "creationTimestamp") >
                        string_member((*found)["metadata"], "creationTimestamp"))
        found = &storage_class;
  return found;
}

std::string class_of_claim(const json& claim, const std::vector<json>& classes) {
  const json& name = member_or_null(member_or_null(claim, "spec"), "storageClassName");
  if (name.is_string()) return name.get<std::string>();
  const json* fallback = default_class(classes);
  return fallback ? name_of(*fallback) : std::string{};
}

claim_decision decide_claim(const json& claim, const std::vector<json>& volumes, const std::vector<json>& classes,
                            bool consumed) {
  const json& spec = member_or_null(claim, "spec");
  const std::string phase = string_member(member_or_null(claim, "status"), "phase");
  const std::string bound_to = string_member(spec, "volumeName");
  if (phase == "Bound" || phase == "Lost") {
    if (volume_named(volumes, bound_to)) return {};
    if (phase == "Lost") return {};
    claim_decision lost;
    lost.action = claim_action::lost;
    lost.event_type = "Warning";
    lost.reason = "ClaimLost";
    lost.message = "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!";
    return lost;
  }
  if (!member_or_null(spec, "storageClassName").is_string()) {
    if (const json* fallback = default_class(classes)) {
      claim_decision decision;
      decision.action = claim_action::set_default_class;
      decision.class_name = name_of(*fallback);
      return decision;
    }
  }
  const std::string claim_class = class_of_claim(claim, classes);

  if (!bound_to.empty()) {  // bound by the user, or half-way through binding
    const json* volume = volume_named(volumes, bound_to);
    if (!volume) return wait("FailedBinding", "volume \"" + bound_to + "\" not found", "Warning");
    if (has_claim_ref(*volume) && !claimed_by(*volume, claim))
      return wait("FailedBinding", "volume \"" + bound_to + "\" already bound to a different claim.", "Warning");
    if (!fits(*volume, claim, claim_class))
      return wait("FailedBinding", "Cannot bind to requested volume \"" + bound_to +
                                       "\": requested PV is too small or does not match the claim's class, access "
                                       "modes or volume mode",
                  "Warning");
    claim_decision decision;
    decision.action = claim_action::bind;
    decision.volume = bound_to;
    return decision;
  }

  // A volume already claimed by this claim (pre-bound, or the first binding write stored), else
  // the smallest Available one that fits.
  const json* best = nullptr;
  for (const auto& volume : volumes) {
    if (!fits(volume, claim, claim_class)) continue;
    if (claimed_by(volume, claim)) {
      best = &volume;
      break;
    }
    if (has_claim_ref(volume) || control::is_terminating(volume)) continue;
    const std::string volume_phase = string_member(member_or_null(volume, "status"), "phase");
    if (volume_phase != "Available" && volume_phase != "Pending" && !volume_phase.empty()) continue;
    if (!best || capacity_bytes(volume) < capacity_bytes(*best)) best = &volume;
  }
  if (best) {
    claim_decision decision;
    decision.action = claim_action::bind;
    decision.volume = name_of(*best);
    return decision;
  }

  if (claim_class.empty())
    return wait("FailedBinding", "no persistent volumes available for this claim and no storage class is set");
  const json* storage_class = class_named(classes, claim_class);
  if (!storage_class)
    return wait("ProvisioningFailed", "storageclass.storage.k8s.io \"" + claim_class + "\" not found", "Warning");
  const std::string provisioner = string_member(*storage_class, "provisioner");
  if (provisioner != model::kinds::local_path_provisioner)
    return wait("ExternalProvisioning",
                "Waiting for a volume to be created either by the external provisioner '" + provisioner +
                    "' or manually by the system administrator. If volume creation is delayed, please verify that the "
                    "provisioner is running and correctly registered.");
  if (string_member(*storage_class, "volumeBindingMode") == "WaitForFirstConsumer" && !consumed)
    return wait("WaitForFirstConsumer", "waiting for first consumer to be created before binding");
  if (member_or_null(spec, "selector").is_object())
    return wait("ProvisioningFailed", "claim Selector is not supported", "Warning");
  claim_decision decision;
  decision.action = claim_action::provision;
  decision.class_name = claim_class;
  return decision;
}

binding_step next_binding_step(const json& claim, const json& volume) {
  if (!claimed_by(volume, claim) || string_member(member_or_null(member_or_null(volume, "spec"), "claimRef"), "uid").empty())
    return binding_step::volume_claim_ref;
  if (string_member(member_or_null(claim, "spec"), "volumeName") != name_of(volume)) return binding_step::claim_volume_name;
  if (member_or_null(claim, "status") != bound_claim_status(volume)) return binding_step::claim_status;
  return binding_step::done;
}

json with_claim_ref(json volume, const json& claim) {
  volume["spec"]["claimRef"] = {{"kind", "PersistentVolumeClaim"},
                                {"namespace", namespace_of(claim)},
                                {"name", name_of(claim)},
                                {"uid", uid_of(claim)},
                                {"apiVersion", "v1"},
                                {"resourceVersion", string_member(member_or_null(claim, "metadata"), "resourceVersion")}};
  return volume;
}

json with_volume_name(json claim, const std::string& volume) {
  claim["spec"]["volumeName"] = volume;
  claim["metadata"]["annotations"][bind_completed] = "yes";
  return claim;
}

json bound_claim_status(const json& volume) {
  const json& spec = member_or_null(volume, "spec");
  return {{"phase", "Bound"},
          {"accessModes", member_or_null(spec, "accessModes").is_array() ? spec["accessModes"] : json::array()},
          {"capacity", member_or_null(spec, "capacity").is_object() ? spec["capacity"] : json::object()}};
}

volume_action decide_volume(const json& volume, const std::vector<json>& claims, bool claim_in_use) {
  const std::string phase = string_member(member_or_null(volume, "status"), "phase");
  if (control::is_terminating(volume)) return volume_action::none;
  if (!has_claim_ref(volume)) return phase == "Available" ? volume_action::none : volume_action::available;
  const json* claim = nullptr;
  for (const auto& candidate : claims)
    if (claimed_by(volume, candidate)) claim = &candidate;
  if (!claim) {
    // Pre-bound by an administrator to a claim not yet made: Available for that claim only.
    if (string_member(member_or_null(member_or_null(volume, "spec"), "claimRef"), "uid").empty())
      return phase == "Available" ? volume_action::none : volume_action::available;
    if (phase != "Released") return volume_action::released;
    return string_member(member_or_null(volume, "spec"), "persistentVolumeReclaimPolicy") == "Delete" && !claim_in_use
               ? volume_action::remove
               : volume_action::none;
  }
  if (string_member(member_or_null(*claim, "spec"), "volumeName") == name_of(volume) && phase != "Bound")
    return volume_action::bound;
  return volume_action::none;
}

json volume_status(const std::string& phase, const std::string& now) {
  return {{"phase", phase}, {"lastPhaseTransitionTime", now}};
}

std::string provisioned_path(const std::string& storage_dir, const json& claim) {
  return storage_dir + "/pvc-" + uid_of(claim) + "_" + namespace_of(claim) + "_" + name_of(claim);
}

json provisioned_volume(const json& claim, const json& storage_class, const std::string& path) {
  const json& spec = member_or_null(claim, "spec");
  json volume = {{"apiVersion", "v1"},
                 {"kind", "PersistentVolume"},
                 {"metadata", {{"name", "pvc-" + uid_of(claim)},
                               {"annotations", {{provisioned_by, model::kinds::local_path_provisioner}}}}},
                 {"spec",
                  {{"capacity", {{"storage", member_or_null(member_or_null(member_or_null(spec, "resources"), "requests"),
                                                             "storage")}}},
                   {"accessModes", member_or_null(spec, "accessModes")},
                   {"persistentVolumeReclaimPolicy", string_member(storage_class, "reclaimPolicy")},
                   {"storageClassName", name_of(storage_class)},
                   {"volumeMode", "Filesystem"},
                   {"hostPath", {{"path", path}, {"type", "DirectoryOrCreate"}}}}}};
  return with_claim_ref(std::move(volume), claim);
}

bool is_provisioned_by_orkest(const json& volume) {
  return string_member(member_or_null(member_or_null(volume, "metadata"), "annotations"), provisioned_by) ==
         model::kinds::local_path_provisioner;
}

}  // namespace orkest::control
