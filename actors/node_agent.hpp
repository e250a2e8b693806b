#pragma once
// The node side of orkest, as a kubelet: the node's heartbeat (its Node and Lease), the runtime
// actor, the volume actor, the pod supervisor with its pod actors, the runtime's event pump,
// and the routes to other nodes' pods. The server runs one for its own machine beside the control plane; `orkest agent` runs
// only this, against a store behind the API (actors/remote_store).

#include <chrono>
#include <memory>
#include <string>

#include "actors/event_recorder.hpp"
#include "actors/node_heartbeat.hpp"
#include "actors/pod_routes_controller.hpp"
#include "actors/pod_supervisor.hpp"
#include "actors/runtime_actor.hpp"
#include "actors/store_actor.hpp"
#include "actors/volume_actor.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

struct node_agent_settings {
  node_heartbeat_settings heartbeat;  // heartbeat.node.name is the node's name
  pod_supervisor_settings pods;
  std::size_t runtime_workers = 8;
  // The pod network's CIDR: the runtime actor picks pod addresses from it (empty: podman does).
  std::string pod_subnet;
  // Where pods' volumes are made (<data dir>/pods); empty: pods with volumes are not started.
  std::string pods_dir;
  // The machine's routing table for routes to other nodes' pods; null: none are made (tests).
  std::shared_ptr<route_table> routes;
  // False only for the deterministic test scheduler: runtime calls stay on it, no event pump.
  bool threaded_runtime = true;
};

struct node_agent {
  node_heartbeat_actor heartbeat;
  runtime_actor runtime;
  volume_actor volumes;
  pod_supervisor_actor pods;
  pod_routes_actor routes;  // none without settings.routes

  // The addresses of its actors, for shutdown.
  std::vector<caf::actor_addr> addresses() const;
};

node_agent start_node_agent(caf::actor_system& system, store_actor store, event_recorder events,
                            std::shared_ptr<podman::container_runtime> runtime, node_agent_settings settings);

}  // namespace orkest::actors
