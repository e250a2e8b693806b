#include "actors/control_plane.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>


namespace orkest::actors {

control_plane start_control_plane(caf::actor_system& system, std::shared_ptr<podman::container_runtime> runtime,
                                  control_plane_settings settings) {
  control_plane plane;
  settings.store.reserved_ips = {settings.dns_ip};
  plane.store = spawn_store(system, settings.store, store::default_hooks(), settings.storage,
                            settings.threaded_runtime && settings.storage);
  plane.events = spawn_event_recorder(system, plane.store, settings.events);
  if (settings.threaded_runtime) {
    node_services_settings services;
    services.services = settings.services;
    services.services.events = plane.events;
    services.services.node_name = settings.store.node_name;
    services.service_cidr = settings.store.service_cidr;
    services.dns_ip = settings.dns_ip;
    services.dns_port = settings.dns_port;
    services.cluster_domain = settings.cluster_domain;
    services.resync_period = settings.resync_period;
    services.pod_networks = {settings.pod_subnet, settings.ipam.cluster_cidr};
    services.keep_client_addresses = settings.keep_client_addresses;
    plane.service_proxy = start_node_services(system, plane.store, services);
    if (plane.service_proxy.dns) {
      settings.pods.pod.dns_server = settings.dns_ip;
      settings.pods.pod.cluster_domain = settings.cluster_domain;
    }
    plane.services = plane.service_proxy.services;
    plane.dns = plane.service_proxy.dns;
    if (!settings.pods.pod.prober) settings.pods.pod.prober = probe::make_socket_prober();
  }

  // This machine's node.
  node_agent_settings node;
  node.heartbeat = settings.node;
  node.heartbeat.node.name = settings.store.node_name;
  node.heartbeat.lease_duration = settings.node_grace_period;
  node.heartbeat.clock = settings.clock;
  node.pods = settings.pods;
  node.pods.resync_period = settings.resync_period;
  node.pods.pod.clock = settings.clock;
  node.runtime_workers = settings.runtime_workers;
  node.pod_subnet = settings.pod_subnet;
  node.pods_dir = settings.pods_dir;
  node.routes = settings.pod_routes;
  node.threaded_runtime = settings.threaded_runtime;
  plane.node = start_node_agent(system, plane.store, plane.events, runtime, std::move(node));
  plane.runtime = plane.node.runtime;
  plane.pods = plane.node.pods;
  plane.volumes = plane.node.volumes;

  scheduler_settings scheduling;
  scheduling.resync_period = settings.resync_period;
  scheduling.events = plane.events;
  scheduling.clock = settings.clock;
  plane.scheduler = spawn_scheduler(system, plane.store, std::move(scheduling));
  node_lifecycle_settings lifecycle;
  lifecycle.grace_period = settings.node_grace_period;
  lifecycle.events = plane.events;
  lifecycle.clock = settings.clock;
  plane.node_lifecycle = spawn_node_lifecycle_controller(system, plane.store, std::move(lifecycle));
  settings.ipam.events = plane.events;
  plane.node_ipam = spawn_node_ipam_controller(system, plane.store, settings.ipam);
  plane.load_balancers = spawn_load_balancer_controller(system, plane.store, settings.clock);
  plane.namespaces = spawn_namespace_controller(system, plane.store, settings.clock);
  plane.replicasets = spawn_replicaset_controller(system, plane.store, settings.resync_period, plane.events, settings.clock);
  plane.deployments = spawn_deployment_controller(system, plane.store, settings.resync_period, plane.events, settings.clock);
  if (plane.volumes) {
    volume_binder_settings binder;
    binder.storage_dir = settings.storage_dir;
    binder.resync_period = settings.resync_period;
    binder.events = plane.events;
    binder.clock = settings.clock;
    plane.volume_binder = spawn_volume_binder(system, plane.store, plane.volumes, std::move(binder));
  }
  return plane;
}

void control_plane::shutdown() {
  std::vector<caf::actor_addr> all = {namespaces.address(), load_balancers.address(), node_ipam.address(), node_lifecycle.address(), scheduler.address(), volume_binder.address(),
                                      deployments.address(), replicasets.address()};
  for (const auto& address : service_proxy.addresses()) all.push_back(address);
  for (const auto& address : node.addresses()) all.push_back(address);
  all.push_back(events.address());
  all.push_back(store.address());
  for (const caf::actor_addr& address : all)
    if (auto handle = caf::actor_cast<caf::actor>(address)) caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
  service_proxy.release_addresses();
}

}  // namespace orkest::actors
