#pragma once
// What this host is, read once at startup for its Node object: cores, memory, kernel, OS,
// hostname, machine and boot ids, and the address other nodes reach it at.

#include <string>

#include "app/config.hpp"
#include "control/node_registration.hpp"

namespace orkest::app {

// The node orkest registers: named by the configuration, measured from this host. The server's
// own node is labelled as k3s labels its server (control-plane, master); an agent's is not.
control::node_description describe_this_node(const config& c, const std::string& runtime_version, bool control_plane);

// The first IPv4 address of an interface that is up and neither loopback nor a container
// bridge or veth (podman*, cni*, veth*, the pod network's); "127.0.0.1" when there is none.
std::string first_host_address(const std::string& pod_network);

}  // namespace orkest::app
