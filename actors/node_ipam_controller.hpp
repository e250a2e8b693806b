#pragma once
// Kubernetes' node IPAM controller: follows Nodes and gives each one without a podCIDR the first
// free block of the cluster's pod CIDR (control/node_ipam), written as spec.podCIDR and
// spec.podCIDRs. An agent makes its pod network with it.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <string>

#include "actors/event_recorder.hpp"
#include "actors/store_actor.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using node_ipam_actor = caf::typed_actor<caf::reacts_to<change_event>>;

struct node_ipam_settings {
  std::string cluster_cidr = "10.42.0.0/16";  // cluster.podCIDR
  int node_mask_size = 24;                    // cluster.nodeCIDRMaskSize
  event_recorder events;
};

node_ipam_actor spawn_node_ipam_controller(caf::actor_system& system, store_actor store, node_ipam_settings settings);

}  // namespace orkest::actors
