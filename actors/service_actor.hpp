#pragma once
// One actor per Service: owns the Service's listening sockets (its cluster IP and the host, at
// each port, and its node ports) and their backend lists (this node's pods alone for outside
// traffic under externalTrafficPolicy Local), and reports whether this node could bind them as
// the condition "<node>/PortsBound" in the Service's status. Ending the actor closes its sockets at once.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <memory>

#include "control/service_endpoints.hpp"
#include "actors/client_address_return.hpp"
#include "actors/event_recorder.hpp"
#include "actors/store_actor.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using backends_atom = caf::atom_constant<caf::atom("backends")>;

using service_actor = caf::typed_actor<
    caf::reacts_to<update_atom, json>,  // the Service object changed
    caf::reacts_to<backends_atom, std::vector<control::service_port_backends>>,
    caf::reacts_to<resync_atom, std::string>>;  // a failed condition write's back-off has passed

struct service_actor_settings {
  // Services listen on the host at their port on this address. The wildcard also covers
  // their cluster IPs (local addresses on lo); any other address gets a second listener on
  // the cluster IP.
  std::string host_address = "0.0.0.0";
  // Put each cluster IP on the loopback interface so it is a local address (CAP_NET_ADMIN), and
  // listen on it. False: the Services listen on host_address only.
  bool cluster_ips_on_loopback = true;
  // The addresses a pod may have to become a backend (the pod network's hosts).
  control::pod_address_policy pod_addresses;
  // Connections one listener carries at once; more are closed as they arrive.
  std::size_t max_connections_per_port = netproxy::default_max_connections_per_listener;
  // Writes the Endpoints the cluster shares (the server's node). False on agents.
  bool publishes_state = true;
  // Writes this node's "<node_name>/PortsBound" condition in the Service's status (every node).
  bool writes_port_status = true;
  // Where a port this node cannot bind is reported (an Event, from every node); none: only logged.
  event_recorder events;
  // This node's name: its pods are a Local Service's only backends for outside traffic.
  std::string node_name;
  // externalTrafficPolicy Local keeps the client's address through this node's way back
  // (none: the pods see this node's address).
  client_address_return_actor client_address_return;
  // Clients from these networks (pods) are proxied from this node's address even then: a pod's
  // answer to a pod would not come back through this node.
  std::vector<netproxy::address_range> pod_networks;
};

service_actor spawn_service_actor(caf::actor_system& system, store_actor store,
                                  std::shared_ptr<netproxy::proxy> proxy, service_actor_settings settings,
                                  json service);

// Where a Service listens: the host address and, unless that is the wildcard, its cluster IP.
std::vector<std::string> listen_addresses(const std::string& host_address, const std::string& cluster_ip);

}  // namespace orkest::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<orkest::control::service_port_backends>)
