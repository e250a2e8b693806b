#pragma once
// Writes Kubernetes Events for pod actors and controllers: each note becomes an Event, an
// identical repeat raises that Event's count instead; events past `ttl` and the oldest beyond
// `limit` are deleted by a periodic sweep (and at once when the limit is passed), so an event
// storm cannot fill memory or the database. Senders never wait: notes are fire and forget.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/typed_actor.hpp>
#include <chrono>

#include "actors/store_actor.hpp"
#include "control/event_log.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using sweep_atom = caf::atom_constant<caf::atom("sweep")>;

using event_recorder = caf::typed_actor<caf::reacts_to<control::event_note>,  // record this
                                        caf::reacts_to<sweep_atom>>;          // drop expired and excess events

struct event_recorder_settings {
  std::chrono::seconds ttl{3600};  // events.ttlSeconds
  std::size_t limit = 1000;        // events.limit: the most events kept
  std::chrono::seconds sweep_period{60};
  // The server's recorder sweeps the store's Events; a node agent's only records its own.
  bool sweeps = true;
};

event_recorder spawn_event_recorder(caf::actor_system& system, store_actor store, event_recorder_settings settings);

// Sends `note` to `recorder` if there is one (tests may run without).
void record_event(const event_recorder& recorder, control::event_note note);

}  // namespace orkest::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::control::event_note)
