#pragma once
// How a controller follows the store: one watch per kind, with itself as the listener.

#include <caf/actor_cast.hpp>
#include <chrono>
#include <optional>
#include <vector>

#include "actors/store_actor.hpp"

namespace orkest::actors {

// Watches every object of each kind, in the order given. The store sends each watch's current
// objects before it answers, in the order asked, so every object of the first kind is known
// before the first of the second arrives (a controller lists what its objects own first). The
// actor quits when the store cannot be reached.
template <class Self>
void watch_kinds(Self self, const store_actor& store, const std::vector<const char*>& kinds) {
  auto listener = caf::actor_cast<change_listener>(self);
  for (const char* kind : kinds)
    self->request(store, std::chrono::seconds(10), watch_atom::value,
                  watch_request{kind, "", "", "", std::nullopt, true}, listener)
        .then([](const store_result&) {}, [self](const caf::error& error) { self->quit(error); });
}

// Watches every object of one kind and calls `replayed` once the store has sent them all (what
// a controller that must know every existing object before it acts waits for). The actor quits
// when the store cannot be reached.
template <class Self, class Replayed>
void watch_kind_then(Self self, const store_actor& store, const char* kind, Replayed replayed) {
  self->request(store, std::chrono::seconds(10), watch_atom::value, watch_request{kind, "", "", "", std::nullopt, true},
                caf::actor_cast<change_listener>(self))
      .then([replayed](const store_result&) { replayed(); }, [self](const caf::error& error) { self->quit(error); });
}

}  // namespace orkest::actors
