#pragma once
// Kubernetes' node lifecycle controller: follows Nodes, their Leases and Pods; every monitor
// period a node whose lease was last renewed longer than the grace period ago becomes Unknown,
// nodes that are not Ready get the unreachable / not-ready taints (and lose them when Ready
// again), and the pods of a node with a NoExecute taint they do not tolerate are deleted, so
// their controllers make them again on another node. Pods bound to a node that does not exist
// (deleted) are deleted for good after 40 s, as Kubernetes' pod garbage collector does.
// Decisions: control/node_lifecycle.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <chrono>

#include "actors/event_recorder.hpp"
#include "actors/store_actor.hpp"
#include "actors/wall_clock.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using node_lifecycle_actor = caf::typed_actor<caf::reacts_to<change_event>,
                                              caf::reacts_to<resync_atom>>;  // the monitor period

struct node_lifecycle_settings {
  std::chrono::seconds grace_period{8};            // nodes.gracePeriodSeconds
  std::chrono::milliseconds monitor_period{1000};
  event_recorder events;
  wall_clock clock = system_wall_clock();
};

node_lifecycle_actor spawn_node_lifecycle_controller(caf::actor_system& system, store_actor store,
                                                     node_lifecycle_settings settings);

}  // namespace orkest::actors
