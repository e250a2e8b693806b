#pragma once
// What the volume binder does for each PersistentVolumeClaim and PersistentVolume, as
// Kubernetes' PersistentVolume controller decides it (pkg/controller/volume/persistentvolume):
// a claim binds to the smallest Available volume that fits it (class, access modes, size,
// volume mode, selector), or orkest's local-path provisioner makes one for it, or it waits
// saying why; a volume whose claim went is Released, then deleted or retained by its policy.
// Pure: the objects are handed in, the writes to make are handed back.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace orkest::control {

enum class claim_action {
  none,               // nothing to do (bound, or waiting as already said)
  set_default_class,  // spec.storageClassName was not given: the default class's (`class_name`)
  bind,               // bind to `volume` (the next step of binding: see binding_step)
  provision,          // make a volume of class `class_name` for the claim
  wait,               // Pending: `reason` and `message` say why (an Event on the claim)
  lost,               // Bound, but its volume is gone (phase Lost)
};

struct claim_decision {
  claim_action action = claim_action::none;
  std::string volume;
  std::string class_name;
  std::string event_type = "Normal";
  std::string reason;
  std::string message;
};

// `consumed`: a pod that is not finished names the claim (WaitForFirstConsumer waits for one).
claim_decision decide_claim(const nlohmann::json& claim, const std::vector<nlohmann::json>& volumes,
                            const std::vector<nlohmann::json>& classes, bool consumed);

// Binding is three writes, each made once the one before is stored: the volume's claimRef,
// the claim's volumeName, the claim's status.
enum class binding_step { volume_claim_ref, claim_volume_name, claim_status, done };
binding_step next_binding_step(const nlohmann::json& claim, const nlohmann::json& volume);

// The volume with its claimRef set to the claim.
nlohmann::json with_claim_ref(nlohmann::json volume, const nlohmann::json& claim);
// The claim with its volumeName set and the bind-completed annotation.
nlohmann::json with_volume_name(nlohmann::json claim, const std::string& volume);
// A bound claim's status: phase Bound, the volume's capacity and access modes.
nlohmann::json bound_claim_status(const nlohmann::json& volume);

enum class volume_action {
  none,
  available,  // new and unclaimed: phase Available
  bound,      // its claim is bound to it: phase Bound
  released,   // its claim is gone: phase Released
  remove,     // Released with reclaim policy Delete: delete it (and a provisioned folder)
};
// `claims`: every claim in the cluster. `claim_in_use`: a pod still names the volume's claim (by
// namespace and name): a Released volume is not deleted under it (Kubernetes keeps the claim
// itself until then, with its pvc-protection finalizer; orkest keeps the volume).
volume_action decide_volume(const nlohmann::json& volume, const std::vector<nlohmann::json>& claims,
                            bool claim_in_use = false);
nlohmann::json volume_status(const std::string& phase, const std::string& now);

// orkest's local-path provisioner: the folder of a claim's volume under `storage_dir`
// (pvc-<uid>_<namespace>_<name>, as k3s' local-path names them) and the volume itself.
std::string provisioned_path(const std::string& storage_dir, const nlohmann::json& claim);
nlohmann::json provisioned_volume(const nlohmann::json& claim, const nlohmann::json& storage_class,
                                  const std::string& path);
bool is_provisioned_by_orkest(const nlohmann::json& volume);

// The claim's class: spec.storageClassName as given ("" is no class), absent: the default
// class's name (or "" when there is none).
std::string class_of_claim(const nlohmann::json& claim, const std::vector<nlohmann::json>& classes);
// The class marked storageclass.kubernetes.io/is-default-class: "true" (the newest if several),
// or null.
const nlohmann::json* default_class(const std::vector<nlohmann::json>& classes);

}  // namespace orkest::control
