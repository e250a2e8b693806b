#pragma once
// Follows ReplicaSets and Pods from the store and converges: creates missing pods from the
// template, deletes surplus ones, deletes the pods of a deleted ReplicaSet, writes status.
// Event-driven, with a periodic resync as a safety net; a ReplicaSet whose write failed is synced
// again after a back-off (control/retry_backoff), not only at the next resync.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <chrono>

#include "actors/event_recorder.hpp"
#include "actors/store_actor.hpp"
#include "actors/wall_clock.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using replicaset_controller_actor =
    caf::typed_actor<caf::reacts_to<change_event>, caf::reacts_to<resync_atom>,
                     // one ReplicaSet (by uid) again, after a failed write
                     caf::reacts_to<resync_atom, std::string>>;

replicaset_controller_actor spawn_replicaset_controller(caf::actor_system& system, store_actor store,
                                                        std::chrono::milliseconds resync_period,
                                                        event_recorder events = {},
                                                        wall_clock clock = system_wall_clock());

}  // namespace orkest::actors
