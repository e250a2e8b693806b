#pragma once
// The way back for connections the proxy makes from a client's own address (externalTrafficPolicy
// Local): a pod answers that client's address, and its answer must reach the proxy's socket on
// this node instead of being forwarded on. Packets of such sockets carry `transparent_mark`
// (set by the firewall rule of podman/transparent_socket_mark.hpp); a policy rule sends marked
// packets to table `transparent_table`, whose one route delivers everything locally, as
// Envoy's original_src filter and TPROXY setups do. Needs CAP_NET_ADMIN.

#include <cstdint>
#include <optional>
#include <string>

namespace orkest::netproxy {

inline constexpr uint32_t transparent_mark = 0x4f52;  // "OR"
inline constexpr uint32_t transparent_table = 79;
inline constexpr uint32_t transparent_rule_priority = 79;

// Adds the rule "fwmark transparent_mark lookup transparent_table" and the route "local
// 0.0.0.0/0 dev lo" in that table; ones already there are success. An error message otherwise.
std::optional<std::string> add_transparent_return();
// Removes both; ones already gone are success.
std::optional<std::string> remove_transparent_return();

}  // namespace orkest::netproxy
