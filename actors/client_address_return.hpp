#pragma once
// Owns this node's way back for proxied connections that keep their client's address
// (externalTrafficPolicy Local): the policy rule and local route of netproxy/
// transparent_return.hpp and the firewall mark of podman/transparent_socket_mark.hpp. They are
// put in place when the first Service asks, at most once, and taken out when the actor ends,
// so a node without such a Service never touches its firewall.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

// Answers whether connections may keep their client's address (the way back is in place).
using client_address_return_actor = caf::typed_actor<caf::replies_to<setup_atom>::with<bool>>;

client_address_return_actor spawn_client_address_return(caf::actor_system& system);

}  // namespace orkest::actors
