#pragma once
// Follows Deployments and ReplicaSets from the store and rolls each Deployment out as
// control/deployment_rollout plans it: one ReplicaSet per pod template, scaled step by step
// within maxSurge and maxUnavailable (or Recreate), old ones kept up to revisionHistoryLimit,
// status and conditions written. One step per Deployment at a time: the next is planned once
// the store has answered the last one's writes. A periodic resync is the safety net, and deletes
// the ReplicaSets of Deployments that are gone.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <chrono>

#include "actors/event_recorder.hpp"
#include "actors/store_actor.hpp"
#include "actors/wall_clock.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using deployment_controller_actor =
    caf::typed_actor<caf::reacts_to<change_event>, caf::reacts_to<resync_atom>,
                     caf::reacts_to<resync_atom, std::string>>;  // one Deployment (by uid) again

deployment_controller_actor spawn_deployment_controller(caf::actor_system& system, store_actor store,
                                                        std::chrono::milliseconds resync_period,
                                                        event_recorder events = {},
                                                        wall_clock clock = system_wall_clock());

}  // namespace orkest::actors
