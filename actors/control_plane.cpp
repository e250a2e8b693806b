#include "actors/control_plane.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "control/ip_allocator.hpp"
#include "netproxy/host_address.hpp"

namespace orkest::actors {

namespace {

// Cluster IPs (and the DNS address) an earlier orkest with this configuration left on lo, killed
// before it could remove them. Only addresses with orkest's label are considered.
void remove_left_over_addresses(const control_plane_settings& settings) {
  control::ip_allocator service_range(settings.store.service_cidr);
  std::size_t removed = 0;
  for (const auto& address : netproxy::labelled_loopback_addresses())
    if ((service_range.contains(address) || address == settings.dns_ip) && !netproxy::remove_loopback_address(address))
      ++removed;
  if (removed > 0) spdlog::info("removed {} address(es) an earlier orkest left on lo", removed);
}

// Starts the DNS responder on the cluster DNS address, or says why pods will use their
// network's DNS instead.
std::shared_ptr<dns::dns_server> start_dns(const control_plane_settings& settings, control_plane& plane) {
  if (settings.dns_ip.empty()) return nullptr;
  if (settings.services.cluster_ips_on_loopback) {
    if (auto error = netproxy::add_loopback_address(settings.dns_ip)) {
      spdlog::warn("cluster DNS disabled (pods resolve pod names only): {}", *error);
      return nullptr;
    }
    plane.dns_ip_on_loopback = settings.dns_ip;
  }
  auto started = dns::dns_server::start(settings.dns_ip, settings.dns_port);
  if (auto* error = std::get_if<std::string>(&started)) {
    spdlog::warn("cluster DNS disabled (pods resolve pod names only): {}", *error);
    return nullptr;
  }
  return std::shared_ptr<dns::dns_server>(std::move(std::get<std::unique_ptr<dns::dns_server>>(started)));
}

}  // namespace

control_plane start_control_plane(caf::actor_system& system, std::shared_ptr<podman::container_runtime> runtime,
                                  control_plane_settings settings) {
  control_plane plane;
  settings.store.reserved_ips = {settings.dns_ip};
  plane.store = spawn_store(system, settings.store, store::default_hooks(), settings.storage,
                            settings.threaded_runtime && settings.storage);
  plane.events = spawn_event_recorder(system, plane.store, settings.events);
  if (settings.threaded_runtime) {
    if (settings.services.cluster_ips_on_loopback) remove_left_over_addresses(settings);
    if (auto server = start_dns(settings, plane)) {
      plane.dns = spawn_cluster_dns(system, plane.store, server, settings.cluster_domain);
      settings.pods.pod.dns_server = settings.dns_ip;
      settings.pods.pod.cluster_domain = settings.cluster_domain;
    }
    if (!settings.pods.pod.prober) settings.pods.pod.prober = probe::make_socket_prober();
    auto engine = std::make_shared<netproxy::engine>();
    plane.services = spawn_service_controller(system, plane.store, engine, settings.services, settings.resync_period);
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
  std::vector<caf::actor_addr> all = {node_ipam.address(), node_lifecycle.address(), scheduler.address(), volume_binder.address(),
                                      deployments.address(), replicasets.address(), services.address(), dns.address()};
  for (const auto& address : node.addresses()) all.push_back(address);
  all.push_back(events.address());
  all.push_back(store.address());
  for (const caf::actor_addr& address : all)
    if (auto handle = caf::actor_cast<caf::actor>(address)) caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
  if (!dns_ip_on_loopback.empty()) netproxy::remove_loopback_address(dns_ip_on_loopback);
}

}  // namespace orkest::actors
