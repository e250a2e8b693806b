#include "actors/node_agent.hpp"

#include <caf/actor_system.hpp>

#include "actors/runtime_event_pump.hpp"

namespace orkest::actors {

std::vector<caf::actor_addr> node_agent::addresses() const {
  return {heartbeat.address(), pods.address(), volumes.address(), runtime.address(), routes.address()};
}

node_agent start_node_agent(caf::actor_system& system, store_actor store, event_recorder events,
                            std::shared_ptr<podman::container_runtime> runtime, node_agent_settings settings) {
  node_agent node;
  const auto& name = settings.heartbeat.node.name;
  node.runtime = spawn_runtime(system, runtime, settings.runtime_workers, settings.threaded_runtime, settings.pod_subnet);
  auto& pod = settings.pods.pod;
  pod.events = events;
  pod.node_name = name;
  if (!settings.pods_dir.empty()) {
    node.volumes = spawn_volume_actor(system, settings.pods_dir, settings.threaded_runtime);
    pod.volumes = node.volumes;
    pod.pods_dir = settings.pods_dir;
  }
  settings.pods.node_name = name;
  node.heartbeat = spawn_node_heartbeat(system, store, settings.heartbeat);
  node.pods = spawn_pod_supervisor(system, store, node.runtime, settings.pods);
  if (settings.routes)
    node.routes = spawn_pod_routes_controller(system, store, {name, settings.routes, settings.pods.resync_period});
  if (settings.threaded_runtime) spawn_runtime_event_pump(system, runtime, node.pods);
  return node;
}

}  // namespace orkest::actors
