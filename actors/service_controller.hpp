#pragma once
// Follows Services and Pods: keeps one service actor per Service, tells it which pods back
// each port, and publishes the Service's Endpoints object (settings.publishes_state).

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
                                                  std::shared_ptr<netproxy::engine> engine,
                                                  service_actor_settings settings,
                                                  std::chrono::milliseconds resync_period);

}  // namespace orkest::actors
