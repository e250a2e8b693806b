#pragma once
// What this host is, read once at startup for its Node object: cores, memory, kernel, OS,
// hostname, machine and boot ids, and the address other nodes reach it at.

#include <string>

#include "app/config.hpp"
#include "control/node_registration.hpp"

namespace orkest::app {

// The node orkest registers: named by the configuration, measured from this host. Labelled as
// k3s labels its server (control-plane, master).
control::node_description describe_this_node(const config& c, const std::string& runtime_version);

// The first IPv4 address of an interface that is up and neither loopback nor a container
// bridge or veth (podman*, cni*, veth*, the pod network's); "127.0.0.1" when there is none.
std::string first_host_address(const std::string& pod_network);

}  // namespace orkest::app
