#pragma once
// k3s' ServiceLB, its status part: follows Services, Nodes and Endpoints and keeps each
// LoadBalancer Service's status.loadBalancer.ingress at the Ready nodes' addresses (control/
// load_balancer_status; with externalTrafficPolicy Local, those with ready pods), where every
// node serves it. It also takes the "<node>/PortsBound" conditions of deleted nodes out of every
// Service's status (control/ports_bound), also of nodes deleted while the server was down. Runs
// on the server.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/store_actor.hpp"
#include "actors/wall_clock.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using load_balancer_actor = caf::typed_actor<caf::reacts_to<change_event>>;

// `clock` tells how old a condition of a node without a Node object is.
load_balancer_actor spawn_load_balancer_controller(caf::actor_system& system, store_actor store,
                                                   wall_clock clock = system_wall_clock());

}  // namespace orkest::actors
