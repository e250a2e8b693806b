#pragma once
// Follows Pods and Services and keeps the cluster DNS responder's table current, so names
// resolve inside pods as soon as a pod has an IP or a Service exists.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <memory>

#include "actors/store_actor.hpp"
#include "dns/dns_server.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using cluster_dns_actor = caf::typed_actor<caf::reacts_to<change_event>>;

// The actor owns the server from now on: it stops answering when the actor ends.
cluster_dns_actor spawn_cluster_dns(caf::actor_system& system, store_actor store, std::shared_ptr<dns::responder> server,
                                    std::string cluster_domain);

}  // namespace orkest::actors
