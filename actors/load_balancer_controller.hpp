#pragma once
// k3s' ServiceLB, its status part: follows Services and Nodes and keeps each LoadBalancer
// Service's status.loadBalancer.ingress at the Ready nodes' addresses (control/
// load_balancer_status), where every node serves it. Runs on the server.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/store_actor.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using load_balancer_actor = caf::typed_actor<caf::reacts_to<change_event>>;

load_balancer_actor spawn_load_balancer_controller(caf::actor_system& system, store_actor store);

}  // namespace orkest::actors
