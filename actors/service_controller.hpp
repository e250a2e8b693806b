#pragma once
// Follows Services and their Endpoints: keeps one service actor per Service and tells it which
// addresses back each port, read from the Endpoints as kube-proxy does, on every node. With
// settings.publishes_state (the server's node) it also follows Pods and publishes the Endpoints
// of each Service with a selector; a Service without one is backed by the Endpoints its user
// writes.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <chrono>

#include "actors/service_actor.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using service_controller_actor =
    caf::typed_actor<caf::reacts_to<change_event>, caf::reacts_to<resync_atom>,
                     // one Service (by uid) again, after its Endpoints write failed
                     caf::reacts_to<resync_atom, std::string>>;

service_controller_actor spawn_service_controller(caf::actor_system& system, store_actor store,
                                                  std::shared_ptr<netproxy::proxy> proxy,
                                                  service_actor_settings settings,
                                                  std::chrono::milliseconds resync_period);

}  // namespace orkest::actors
