#pragma once
// The store actor's interface over the Kubernetes API of an orkest server: what a node agent's
// actors (pod supervisor, pod actors, node heartbeat, event recorder) talk to, unchanged, when
// the store is in another process. Requests become HTTP calls (client/api_client, on a
// detached actor: they block); a watch becomes an informer: the objects listed once (sent as
// ADDED), then a watch resumed from the last version seen, relisted on 410 (objects gone
// meanwhile sent as DELETED), retried while the server cannot be reached. What the listeners
// know stays theirs while the server is away.

#include <caf/typed_actor.hpp>

#include "actors/store_actor.hpp"
#include "client/api_client.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

store_actor spawn_remote_store(caf::actor_system& system, client::api_endpoint endpoint);

}  // namespace orkest::actors
