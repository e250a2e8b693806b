#pragma once
// A node's share of Services, as kube-proxy and a node-local DNS are in Kubernetes: the Service
// controller with one Service actor per Service (listening on this machine, its cluster IPs on
// lo, with backends from every node's pods) and the cluster DNS responder pods on this machine
// ask. The server runs it for its own machine and also publishes Endpoints and the Services'
// PortsBound condition; an agent runs it reading only.

#include <caf/actor_addr.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "actors/cluster_dns.hpp"
#include "actors/service_controller.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

struct node_services_settings {
  service_actor_settings services;  // services.publishes_state: the server's node only
  // Cluster IPs (and the DNS address) an earlier run left on lo are removed at start.
  std::string service_cidr;
  // The cluster DNS listens here (port 53, on lo like the cluster IPs); empty: none.
  std::string dns_ip;
  uint16_t dns_port = 53;
  std::string cluster_domain = "cluster.local";
  std::chrono::milliseconds resync_period{5000};
  // Pods' networks (this node's and the cluster's pod CIDR, IPv4 CIDRs; unparsable ones are
  // ignored): clients from there are never proxied from their own address.
  std::vector<std::string> pod_networks;
  // externalTrafficPolicy Local Services keep their clients' addresses (this node's firewall
  // and policy routing then get the way back; see actors/client_address_return.hpp).
  bool keep_client_addresses = false;
};

struct node_services {
  service_controller_actor services;
  cluster_dns_actor dns;          // none when the DNS could not start (pods then use their network's)
  client_address_return_actor client_address_return;  // none unless keep_client_addresses
  std::string dns_ip_on_loopback;  // the DNS address this put on lo

  std::vector<caf::actor_addr> addresses() const {
    return {services.address(), dns.address(), client_address_return.address()};
  }
  // Takes the DNS address off lo again (the Service actors take their cluster IPs as they end).
  void release_addresses();
};

node_services start_node_services(caf::actor_system& system, store_actor store, const node_services_settings& settings);

}  // namespace orkest::actors
