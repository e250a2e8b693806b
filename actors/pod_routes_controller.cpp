#include "actors/pod_routes_controller.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>
#include <set>
#include <spdlog/spdlog.h>

#include "actors/watch_kinds.hpp"
#include "store/object_cache.hpp"
#include "model/json_access.hpp"
#include "control/ipv4_cidr.hpp"
#include "control/pod_facts.hpp"
#include "netproxy/host_routes.hpp"
#include "podman/masquerade_exemption.hpp"

namespace orkest::actors {

namespace {

class kernel_route_table : public route_table {
 public:
  std::optional<std::vector<control::pod_route>> installed() override {
    auto routes = netproxy::orkest_host_routes();
    if (!routes) return std::nullopt;
    std::vector<control::pod_route> result;
    for (const auto& route : *routes) result.push_back({route.destination, route.gateway, ""});
    return result;
  }
  std::optional<std::string> replace(const control::pod_route& route) override {
    return netproxy::replace_host_route({route.destination, route.gateway});
  }
  std::optional<std::string> remove(const std::string& destination) override {
    return netproxy::remove_host_route(destination);
  }
  std::optional<std::string> exempt_from_masquerade(const std::string& own_cidr,
                                                    const std::vector<std::string>& destinations) override {
    return podman::exempt_from_masquerade(own_cidr, destinations);
  }
};

struct routes_state {
  store_actor store;
  pod_routes_settings settings;
  store::object_cache nodes{store::cache_key::name};
  bool replayed = false;              // every existing Node is known: routes may be removed
  std::set<std::string> failing;      // routes whose last change failed (logged once)
  // What the masquerade exemption holds now: this node's podCIDR, then the others'.
  std::vector<std::string> exempted;
  static inline const char* name = "pod-routes-controller";
};

using routes_pointer = pod_routes_actor::stateful_pointer<routes_state>;

// This node's pods keep their address towards the other nodes' pods.
void exempt(routes_pointer self, const std::vector<control::pod_route>& wanted) {
  auto& st = self->state;
  const json* self_node = st.nodes.find(st.settings.node_name);
  if (!self_node) return;
  auto own = control::parse_ipv4_cidr(model::string_member(model::member_or_null(*self_node, "spec"), "podCIDR"));
  if (!own) return;
  std::vector<std::string> exemption{own->text()};
  for (const auto& route : wanted) exemption.push_back(route.destination);
  if (exemption == st.exempted) return;
  // A node alone in its cluster leaves iptables alone.
  if (exemption.size() == 1 && st.exempted.empty()) return;
  std::vector<std::string> destinations(exemption.begin() + 1, exemption.end());
  if (auto error = st.settings.table->exempt_from_masquerade(own->text(), destinations)) {
    spdlog::warn("pod routes: pods' traffic to other nodes stays masqueraded: {}", *error);
    st.exempted.clear();  // tried again at the next sync
    return;
  }
  st.exempted = std::move(exemption);
}

void sync(routes_pointer self) {
  auto& st = self->state;
  if (!st.replayed) return;
  auto installed = st.settings.table->installed();
  if (!installed) {
    spdlog::warn("pod routes: cannot read this machine's routes");
    return;
  }
  std::vector<json> nodes;
  for (const auto& [name, node] : st.nodes.objects()) nodes.push_back(node);
  auto wanted = control::wanted_pod_routes(st.settings.node_name, nodes);
  auto changes = control::plan_route_changes(*installed, wanted);
  for (const auto& route : changes.replace) {
    if (auto error = st.settings.table->replace(route)) {
      if (st.failing.insert(route.destination).second) spdlog::warn("pod routes: node {}: {}", route.node, *error);
      continue;
    }
    st.failing.erase(route.destination);
    spdlog::info("pod routes: {} via {} (node {})", route.destination, route.gateway, route.node);
  }
  for (const auto& destination : changes.remove) {
    if (auto error = st.settings.table->remove(destination)) {
      if (st.failing.insert(destination).second) spdlog::warn("pod routes: {}", *error);
      continue;
    }
    st.failing.erase(destination);
    spdlog::info("pod routes: {} removed (no node has it any more)", destination);
  }
  exempt(self, wanted);
}

pod_routes_actor::behavior_type controller(routes_pointer self, store_actor store, pod_routes_settings settings) {
  self->state.store = store;
  self->state.settings = std::move(settings);
  watch_kind_then(self, store, "Node", [self] {
    self->state.replayed = true;
    sync(self);
  });
  self->delayed_send(self, self->state.settings.resync_period, resync_atom::value);
  return {
      [self](const change_event& event) {
        self->state.nodes.apply(event);
        sync(self);
      },
      [self](resync_atom) {
        sync(self);
        self->delayed_send(self, self->state.settings.resync_period, resync_atom::value);
      },
  };
}

}  // namespace

std::shared_ptr<route_table> host_route_table() { return std::make_shared<kernel_route_table>(); }

pod_routes_actor spawn_pod_routes_controller(caf::actor_system& system, store_actor store, pod_routes_settings settings) {
  return system.spawn(controller, std::move(store), std::move(settings));
}

}  // namespace orkest::actors
