#pragma once
// netavark masquerades everything a pod sends outside its own network, so a pod on one node
// would reach a pod on another with its node's address as the source. These iptables rules
// (nat table, the chain ORKEST-POD-ROUTES first in POSTROUTING, as flannel's) let traffic from
// this node's pods to other nodes' podCIDRs keep the pod's own address. Needs CAP_NET_ADMIN
// and the iptables command (as netavark does).

#include <optional>
#include <string>
#include <vector>

namespace orkest::podman {

inline constexpr const char* masquerade_exemption_chain = "ORKEST-POD-ROUTES";

// Makes the chain hold exactly one "-s own -d destination -j ACCEPT" per destination (all IPv4
// CIDRs, checked here: anything else is refused before iptables runs). An error message, or
// nullopt when done.
std::optional<std::string> exempt_from_masquerade(const std::string& own_cidr,
                                                  const std::vector<std::string>& destinations);

}  // namespace orkest::podman
