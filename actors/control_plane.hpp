#pragma once
// Spawns and wires orkest's actors: the store, this node (its heartbeat, the runtime, the pod
// supervisor with the runtime's event pump), the scheduler, the node lifecycle, ReplicaSet,
// Deployment, Service and volume controllers, the cluster DNS and the event recorder.

#include <chrono>
#include <memory>

#include "actors/cluster_dns.hpp"
#include "actors/deployment_controller.hpp"
#include "actors/event_recorder.hpp"
#include "actors/node_agent.hpp"
#include "actors/load_balancer_controller.hpp"
#include "actors/namespace_controller.hpp"
#include "actors/node_ipam_controller.hpp"
#include "actors/node_lifecycle_controller.hpp"
#include "actors/node_services.hpp"
#include "actors/pod_supervisor.hpp"
#include "actors/replicaset_controller.hpp"
#include "actors/runtime_actor.hpp"
#include "actors/scheduler.hpp"
#include "actors/service_controller.hpp"
#include "actors/store_actor.hpp"
#include "actors/volume_binder.hpp"

namespace orkest::actors {

struct control_plane_settings {
  store::object_store_settings store;
  // Where the store commits (store/sqlite_backend.hpp); null: in memory, nothing survives.
  std::shared_ptr<store::storage_backend> storage;
  pod_supervisor_settings pods;
  service_actor_settings services;
  event_recorder_settings events;
  // This node (its name is store.node_name): what it registers, how often it renews its lease.
  node_heartbeat_settings node;
  // How long a node may stay silent before it is Unknown and its pods go elsewhere.
  std::chrono::seconds node_grace_period{8};
  // Where nodes' podCIDRs come from (cluster.podCIDR, cluster.nodeCIDRMaskSize).
  node_ipam_settings ipam;
  std::chrono::milliseconds resync_period{5000};
  // What controllers take as the time of day (deadlines, minReadySeconds, conditions).
  wall_clock clock = system_wall_clock();
  std::size_t runtime_workers = 8;
  // The pod network's CIDR: orkest picks pod addresses from it (empty: podman does).
  std::string pod_subnet;
  // The cluster DNS listens here (port 53, on lo like the cluster IPs); empty: no cluster DNS,
  // pods use their network's own DNS (pod names only).
  std::string dns_ip = "10.96.0.10";
  uint16_t dns_port = 53;
  std::string cluster_domain = "cluster.local";
  // externalTrafficPolicy Local Services keep clients' addresses (this host's firewall and
  // policy routing get the way back when one asks); false with a fake runtime.
  bool keep_client_addresses = false;
  // Where pods' volumes are made (<data dir>/pods); empty: pods with volumes are not started.
  std::string pods_dir;
  // This machine's routing table, for routes to other nodes' pods; null: none are made.
  std::shared_ptr<route_table> pod_routes;
  // Where the local-path provisioner makes claims' folders (<data dir>/storage); empty: none.
  std::string storage_dir;
  // False only for the deterministic test scheduler: runtime calls and events stay on it, and
  // no sockets are opened (no Service listeners, no DNS).
  bool threaded_runtime = true;
};

struct control_plane {
  store_actor store;
  event_recorder events;
  runtime_actor runtime;
  pod_supervisor_actor pods;
  replicaset_controller_actor replicasets;
  deployment_controller_actor deployments;
  service_controller_actor services;
  cluster_dns_actor dns;
  volume_actor volumes;
  volume_binder_actor volume_binder;
  node_agent node;  // this machine's node: heartbeat, runtime, volumes, pods (those above are its)
  scheduler_actor scheduler;
  node_lifecycle_actor node_lifecycle;
  node_ipam_actor node_ipam;
  load_balancer_actor load_balancers;
  namespace_controller_actor namespaces;
  node_services service_proxy;  // this machine's Service proxy and DNS (services and dns above are its)

  // Ends every actor (closing Service ports); the system's destructor then waits for them.
  void shutdown();
};

control_plane start_control_plane(caf::actor_system& system, std::shared_ptr<podman::container_runtime> runtime,
                                  control_plane_settings settings);

}  // namespace orkest::actors
