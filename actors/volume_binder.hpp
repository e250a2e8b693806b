#pragma once
// Kubernetes' PersistentVolume controller and orkest's local-path provisioner in one actor:
// follows StorageClasses, PersistentVolumes, PersistentVolumeClaims and Pods (a pod naming a
// claim is its first consumer), binds claims to volumes, provisions folders for claims of an
// `orkest.io/local-path` class, releases and deletes volumes whose claims went, and says on
// each waiting claim why (Events). Decisions: control/volume_binding; folders: the volume actor.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <chrono>
#include <string>

#include "actors/event_recorder.hpp"
#include "actors/store_actor.hpp"
#include "actors/volume_actor.hpp"
#include "actors/wall_clock.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using volume_binder_actor = caf::typed_actor<caf::reacts_to<change_event>,
                                             caf::reacts_to<sync_atom>,     // look at every claim and volume now
                                             caf::reacts_to<resync_atom>>;  // the periodic safety net

struct volume_binder_settings {
  std::string storage_dir;  // where provisioned volumes' folders go (<data dir>/storage)
  std::chrono::milliseconds resync_period{5000};
  event_recorder events;
  wall_clock clock = system_wall_clock();
};

volume_binder_actor spawn_volume_binder(caf::actor_system& system, store_actor store, volume_actor volumes,
                                        volume_binder_settings settings);

}  // namespace orkest::actors
