#pragma once
// The node's share of the pod network across nodes (flannel's host-gw mode): follows every
// Node and keeps a route to each other node's podCIDR via its InternalIP in this machine's
// routing table (control/pod_routes decides; a route_table does). Routes of Nodes that are gone
// leave; the table is looked at again every resync period, so a route removed by hand returns.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/store_actor.hpp"
#include "control/pod_routes.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

// The machine's routing table, as far as orkest's own routes go.
class route_table {
 public:
  virtual ~route_table() = default;
  // orkest's routes now (nullopt: cannot be read).
  virtual std::optional<std::vector<control::pod_route>> installed() = 0;
  // An error message, or nullopt when done.
  virtual std::optional<std::string> replace(const control::pod_route& route) = 0;
  virtual std::optional<std::string> remove(const std::string& destination) = 0;
  // Traffic from this node's pods (own_cidr) to these podCIDRs keeps its pod source address
  // (podman's network would masquerade it); replaces what was exempted before.
  virtual std::optional<std::string> exempt_from_masquerade(const std::string& own_cidr,
                                                            const std::vector<std::string>& destinations) = 0;
};

// The kernel's main table over rtnetlink (netproxy/host_routes) and iptables' nat table
// (podman/masquerade_exemption): needs CAP_NET_ADMIN.
std::shared_ptr<route_table> host_route_table();

using pod_routes_actor = caf::typed_actor<caf::reacts_to<change_event>, caf::reacts_to<resync_atom>>;

struct pod_routes_settings {
  std::string node_name;
  std::shared_ptr<route_table> table;
  std::chrono::milliseconds resync_period{5000};
};

pod_routes_actor spawn_pod_routes_controller(caf::actor_system& system, store_actor store, pod_routes_settings settings);

}  // namespace orkest::actors
