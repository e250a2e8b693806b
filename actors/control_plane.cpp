#include "actors/control_plane.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "actors/runtime_event_pump.hpp"

namespace orkest::actors {

control_plane start_control_plane(caf::actor_system& system, std::shared_ptr<podman::container_runtime> runtime,
                                  control_plane_settings settings) {
  control_plane plane;
  plane.store = spawn_store(system, settings.store);
  plane.runtime = spawn_runtime(system, runtime, settings.runtime_workers, settings.threaded_runtime);
  settings.pods.resync_period = settings.resync_period;
  plane.pods = spawn_pod_supervisor(system, plane.store, plane.runtime, settings.pods);
  if (settings.threaded_runtime) spawn_runtime_event_pump(system, runtime, plane.pods);
  plane.replicasets = spawn_replicaset_controller(system, plane.store, settings.resync_period);
  return plane;
}

void control_plane::shutdown() {
  for (const caf::actor_addr& address : {replicasets.address(), pods.address(), runtime.address(), store.address()})
    if (auto handle = caf::actor_cast<caf::actor>(address)) caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
}

}  // namespace orkest::actors
