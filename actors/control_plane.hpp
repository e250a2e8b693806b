#pragma once
// Spawns and wires orkest's actors: the store, the runtime, the pod supervisor (with the
// runtime's event pump) and the controllers.

#include <chrono>
#include <memory>

#include "actors/pod_supervisor.hpp"
#include "actors/replicaset_controller.hpp"
#include "actors/runtime_actor.hpp"
#include "actors/store_actor.hpp"

namespace orkest::actors {

struct control_plane_settings {
  object_store_settings store;
  pod_supervisor_settings pods;
  std::chrono::milliseconds resync_period{5000};
  std::size_t runtime_workers = 8;
  // False only for the deterministic test scheduler: runtime calls and events stay on it.
  bool threaded_runtime = true;
};

struct control_plane {
  store_actor store;
  runtime_actor runtime;
  pod_supervisor_actor pods;
  replicaset_controller_actor replicasets;

  // Ends every actor; the system's destructor then waits for them.
  void shutdown();
};

control_plane start_control_plane(caf::actor_system& system, std::shared_ptr<podman::container_runtime> runtime,
                                  control_plane_settings settings);

}  // namespace orkest::actors
