#pragma once
// A LoadBalancer Service's address, as k3s' ServiceLB gives it: every node proxies every
// Service at its node port and its port, so the Service's ingress is the Ready nodes'
// InternalIPs (status.loadBalancer.ingress[].ip).

#include <nlohmann/json.hpp>
#include <vector>

namespace orkest::control {

// The status.loadBalancer the Service should have: {"ingress": [{"ip": ..., "ipMode": "VIP"}, ...]}
// by address for type LoadBalancer (without "ingress" while no node is Ready); {} for other types.
// With externalTrafficPolicy Local only the nodes that have a ready address in `endpoints` (the
// Service's Endpoints; null: none) are listed: the others drop what comes from outside.
nlohmann::json load_balancer_status(const nlohmann::json& service, const std::vector<nlohmann::json>& nodes,
                                    const nlohmann::json& endpoints = nullptr);

}  // namespace orkest::control
