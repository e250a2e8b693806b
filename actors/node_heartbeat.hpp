#pragma once
// A node's voice, as a kubelet's node status and lease controllers: registers the node's Node
// object (or takes over the one a restart left), posts its status (capacity, addresses,
// conditions with their heartbeat) every status period, and renews its Lease in
// kube-node-lease every renew period. A Node or Lease deleted meanwhile is made again.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <chrono>

#include "actors/store_actor.hpp"
#include "actors/wall_clock.hpp"
#include "control/node_registration.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using renew_atom = caf::atom_constant<caf::atom("renew")>;

using node_heartbeat_actor = caf::typed_actor<caf::reacts_to<renew_atom>,    // renew the lease
                                              caf::reacts_to<status_atom>>;  // post the node's status

struct node_heartbeat_settings {
  control::node_description node;
  std::chrono::milliseconds renew_period{2000};   // nodes.leaseRenewSeconds
  std::chrono::seconds lease_duration{8};         // nodes.gracePeriodSeconds: how long a renewal counts
  std::chrono::milliseconds status_period{10000};
  wall_clock clock = system_wall_clock();
};

node_heartbeat_actor spawn_node_heartbeat(caf::actor_system& system, store_actor store, node_heartbeat_settings settings);

}  // namespace orkest::actors
