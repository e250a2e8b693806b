#pragma once
// Routes in the host's main routing table to other nodes' pod networks: "10.42.2.0/24 via
// 10.250.0.13", as flannel's and kube-router's host-gw mode keep them. orkest's routes carry
// their own protocol number, so the ones an earlier run left can be told from anyone else's
// (`ip route show proto 79`). Needs CAP_NET_ADMIN.

#include <optional>
#include <string>
#include <vector>

namespace orkest::netproxy {

inline constexpr unsigned char route_protocol = 79;  // 'O'; not one of /etc/iproute2/rt_protos

struct host_route {
  std::string destination;  // an IPv4 CIDR, its host bits zero: "10.42.2.0/24"
  std::string gateway;      // an IPv4 address on a directly connected network
  bool operator==(const host_route& other) const {
    return destination == other.destination && gateway == other.gateway;
  }
};

// Adds the route, or replaces the one to that destination. An error message (naming the route
// and the OS error) on failure, e.g. a gateway that is not on a connected network.
std::optional<std::string> replace_host_route(const host_route& route);
// Removes orkest's route to the destination; one already gone is success.
std::optional<std::string> remove_host_route(const std::string& destination);
// orkest's routes in the main table; nullopt when they cannot be listed.
std::optional<std::vector<host_route>> orkest_host_routes();

}  // namespace orkest::netproxy
