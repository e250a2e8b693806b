#pragma once
// The kind actor for Pods: follows the Pods bound to its node, keeps one pod actor per live pod,
// routes container events to the pod they belong to, and every resync period compares the
// runtime's containers with the pods (containers nothing claims are removed).

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <chrono>

#include "actors/pod_actor.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using pod_supervisor_actor = caf::typed_actor<caf::reacts_to<change_event>,
                                              caf::reacts_to<podman::container_event>,
                                              caf::reacts_to<resync_atom>>;

struct pod_supervisor_settings {
  std::string node_name = "orkest";  // its pods are those bound to this node; its containers carry the name
  pod_actor_settings pod;
  std::chrono::milliseconds resync_period{5000};
};

pod_supervisor_actor spawn_pod_supervisor(caf::actor_system& system, store_actor store, runtime_actor runtime,
                                          pod_supervisor_settings settings);

}  // namespace orkest::actors
