#include "actors/node_services.hpp"

#include <caf/actor_system.hpp>
#include <spdlog/spdlog.h>

#include "control/ip_allocator.hpp"
#include "control/ipv4_cidr.hpp"
#include "netproxy/host_address.hpp"

namespace orkest::actors {

namespace {

// Cluster IPs (and the DNS address) an earlier orkest with this configuration left on lo, killed
// before it could remove them. Only addresses with orkest's label are considered.
void remove_left_over_addresses(const node_services_settings& settings) {
  control::ip_allocator service_range(settings.service_cidr);
  std::size_t removed = 0;
  for (const auto& address : netproxy::labelled_loopback_addresses())
    if ((service_range.contains(address) || address == settings.dns_ip) && !netproxy::remove_loopback_address(address))
      ++removed;
  if (removed > 0) spdlog::info("removed {} address(es) an earlier orkest left on lo", removed);
}

// Starts the DNS responder on the cluster DNS address, or says why pods will use their
// network's DNS instead.
std::shared_ptr<dns::dns_server> start_dns(const node_services_settings& settings, node_services& node) {
  if (settings.dns_ip.empty()) return nullptr;
  if (settings.services.cluster_ips_on_loopback) {
    bool added = false;
    if (auto error = netproxy::add_loopback_address(settings.dns_ip, &added)) {
      spdlog::warn("cluster DNS disabled (pods resolve pod names only): {}", *error);
      return nullptr;
    }
    if (added) node.dns_ip_on_loopback = settings.dns_ip;
  }
  auto started = dns::dns_server::start(settings.dns_ip, settings.dns_port);
  if (auto* error = std::get_if<std::string>(&started)) {
    spdlog::warn("cluster DNS disabled (pods resolve pod names only): {}", *error);
    return nullptr;
  }
  return std::shared_ptr<dns::dns_server>(std::move(std::get<std::unique_ptr<dns::dns_server>>(started)));
}

}  // namespace

void node_services::release_addresses() {
  if (!dns_ip_on_loopback.empty()) netproxy::remove_loopback_address(dns_ip_on_loopback);
  dns_ip_on_loopback.clear();
}

node_services start_node_services(caf::actor_system& system, store_actor store, const node_services_settings& settings) {
  node_services node;
  if (settings.services.cluster_ips_on_loopback && !settings.service_cidr.empty()) remove_left_over_addresses(settings);
  if (auto server = start_dns(settings, node)) node.dns = spawn_cluster_dns(system, store, server, settings.cluster_domain);
  auto services = settings.services;
  for (const auto& network : settings.pod_networks)
    if (auto cidr = control::parse_ipv4_cidr(network))
      services.pod_networks.push_back({static_cast<uint32_t>(cidr->first), static_cast<uint32_t>(cidr->last)});
  if (settings.keep_client_addresses) {
    node.client_address_return = spawn_client_address_return(system);
    services.client_address_return = node.client_address_return;
  }
  auto engine = std::make_shared<netproxy::engine>();
  node.services = spawn_service_controller(system, store, engine, services, settings.resync_period);
  return node;
}

}  // namespace orkest::actors
