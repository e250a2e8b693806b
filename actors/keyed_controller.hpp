#pragma once
// The shape Kubernetes' controllers share (an informer and a work queue), for actors: watch the
// kinds in order, hand each change to the controller, sync one key when its retry arrives
// (actors/retry_queue, kept as the state's `retries`), and sync every key each resync period.
// The controller keeps its decisions; this is only the wiring that was written once per
// controller before.

#include <chrono>
#include <string>
#include <type_traits>
#include <vector>

#include "actors/atoms.hpp"
#include "actors/watch_kinds.hpp"

namespace orkest::actors {

// on_change(const change_event&), sync_one(const std::string& key), sync_all().
template <class Self, class OnChange, class SyncOne, class SyncAll>
auto keyed_controller_behavior(Self self, const store_actor& store, const std::vector<const char*>& kinds,
                               std::chrono::milliseconds resync_period, OnChange on_change, SyncOne sync_one,
                               SyncAll sync_all) {
  using behavior = typename std::remove_pointer_t<Self>::behavior_type;
  watch_kinds(self, store, kinds);
  self->delayed_send(self, resync_period, resync_atom::value);
  return behavior{
      [on_change](const change_event& event) { on_change(event); },
      [self, sync_one](resync_atom, const std::string& key) {
        self->state.retries.arrived(key);
        sync_one(key);
      },
      [self, sync_all, resync_period](resync_atom) {
        sync_all();
        self->delayed_send(self, resync_period, resync_atom::value);
      },
  };
}

}  // namespace orkest::actors
