#pragma once
// Kubernetes' default scheduler: follows Nodes and Pods, and binds every pod that names no node
// (and asks for the default scheduler) to the node control::schedule picks, through the pod's
// binding subresource. A pod no node fits stays Pending with PodScheduled=False (Unschedulable)
// and a FailedScheduling event saying why per node; it is tried again whenever a node or a pod
// changes, and every resync period.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <chrono>

#include "actors/event_recorder.hpp"
#include "actors/store_actor.hpp"
#include "actors/wall_clock.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using scheduler_actor = caf::typed_actor<caf::reacts_to<change_event>,
                                         caf::reacts_to<sync_atom>,     // try the pending pods now
                                         caf::reacts_to<resync_atom>>;  // the periodic retry

inline constexpr const char* default_scheduler_name = "default-scheduler";

struct scheduler_settings {
  std::chrono::milliseconds resync_period{5000};
  event_recorder events;
  wall_clock clock = system_wall_clock();
};

scheduler_actor spawn_scheduler(caf::actor_system& system, store_actor store, scheduler_settings settings);

}  // namespace orkest::actors
