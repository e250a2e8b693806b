#pragma once
// The host-gw pod network as a pure decision (flannel's and kube-router's model): every node
// routes each other node's podCIDR via that node's InternalIP, so pods on different nodes reach
// each other by pod IP. Nodes must share one L2 segment (a gateway must be directly reachable).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace orkest::control {

struct pod_route {
  std::string destination;  // a node's podCIDR, canonical ("10.42.2.0/24")
  std::string gateway;      // that node's InternalIP
  std::string node;         // which node it leads to (for logs)
  bool operator==(const pod_route& other) const {
    return destination == other.destination && gateway == other.gateway;
  }
};

// The routes node `self` wants, ordered by destination: one per other Node whose spec.podCIDR
// is an IPv4 CIDR and whose InternalIP is an IPv4 address. None overlapping self's own podCIDR
// or another route (the first node by name keeps a contested block), none via self's address.
std::vector<pod_route> wanted_pod_routes(const std::string& self, const std::vector<nlohmann::json>& nodes);

struct route_changes {
  std::vector<pod_route> replace;    // added, or pointed at a new gateway
  std::vector<std::string> remove;  // destinations no node has any more
  bool empty() const { return replace.empty() && remove.empty(); }
};

// What turns the installed routes (orkest's own) into the wanted ones.
route_changes plan_route_changes(const std::vector<pod_route>& installed, const std::vector<pod_route>& wanted);

}  // namespace orkest::control
