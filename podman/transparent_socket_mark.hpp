#pragma once
// The firewall half of netproxy/transparent_return.hpp: a mangle-table rule first in
// PREROUTING that marks every packet belonging to a transparent socket (the proxy's connections
// made from a client's own address) with netproxy::transparent_mark, so the policy rule routes
// it to that socket. Needs CAP_NET_ADMIN and the iptables command.

#include <optional>
#include <string>

namespace orkest::podman {

// Adds the rule unless it is there. An error message, or nullopt when done.
std::optional<std::string> mark_transparent_socket_packets();
// Removes it; one already gone is success.
std::optional<std::string> unmark_transparent_socket_packets();

}  // namespace orkest::podman
