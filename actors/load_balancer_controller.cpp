#include "actors/load_balancer_controller.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <set>
#include <spdlog/spdlog.h>

#include "actors/watch_kinds.hpp"
#include "store/object_cache.hpp"
#include "model/json_access.hpp"
#include "control/load_balancer_status.hpp"
#include "control/ports_bound.hpp"
#include "control/pod_facts.hpp"

namespace orkest::actors {

namespace {

constexpr auto store_timeout = std::chrono::seconds(10);

struct load_balancer_state {
  store_actor store;
  store::object_cache services;
  store::object_cache nodes{store::cache_key::name};
  store::object_cache endpoints{store::cache_key::namespaced_name};  // for externalTrafficPolicy Local
  std::set<std::string> deleted_nodes;  // seen deleted and not back: their conditions go
  wall_clock clock;
  static inline const char* name = "load-balancer-controller";
};

using load_balancer_pointer = load_balancer_actor::stateful_pointer<load_balancer_state>;

// How long a condition of a node without a Node object stays: a node that has just started may
// write its condition a moment before it is registered.
constexpr auto unregistered_grace = std::chrono::seconds(60);

// Takes the "<node>/PortsBound" conditions of deleted nodes out of the Service's status: those
// seen deleted at once, and those of nodes that have no Node object (deleted while the server
// was down) once they are older than unregistered_grace.
void prune_port_conditions(load_balancer_pointer self, const json& service) {
  auto& st = self->state;
  std::set<std::string> known;
  for (const auto& [name, node] : st.nodes.objects()) known.insert(name);
  std::set<std::string> types;
  for (const auto& type : control::ports_bound_types_of(service, st.deleted_nodes)) types.insert(type);
  for (const auto& type : control::orphaned_ports_bound_types(service, known, st.clock(), unregistered_grace))
    types.insert(type);
  json removals = json::array();
  for (const auto& type : types) removals.push_back({{"type", type}, {"$patch", "delete"}});
  if (removals.empty()) return;
  patch_request patch{patch_type::strategic_merge,
                      {{"metadata", {{"uid", control::uid_of(service)}}}, {"status", {{"conditions", std::move(removals)}}}},
                      true};
  self->request(self->state.store, store_timeout, patch_atom::value,
                object_key{"Service", control::namespace_of(service), control::name_of(service)}, std::move(patch))
      .then([](const store_result&) {}, [](const caf::error&) {});
}

// Writes the Service's status.loadBalancer when it is not what it should be. A write that does
// not land is done again at the Service's next change or any Node's (nodes post their status
// every 10 s).
void sync(load_balancer_pointer self, const json& service) {
  std::vector<json> nodes;
  for (const auto& [name, node] : self->state.nodes.objects()) nodes.push_back(node);
  const json* endpoints = self->state.endpoints.find(self->state.endpoints.key_of(service));
  auto wanted = control::load_balancer_status(service, nodes, endpoints ? *endpoints : json());
  const auto& current = model::member_or_null(model::member_or_null(service, "status"), "loadBalancer");
  if (current == wanted || (current.is_null() && wanted.empty())) return;
  // A merge patch: an empty object would leave the old ingress in place, null takes it out.
  json load_balancer = wanted.contains("ingress") ? wanted : json{{"ingress", nullptr}};
  patch_request patch{patch_type::merge,
                      {{"metadata", {{"uid", control::uid_of(service)}}}, {"status", {{"loadBalancer", std::move(load_balancer)}}}},
                      true};
  const object_key key{"Service", control::namespace_of(service), control::name_of(service)};
  self->request(self->state.store, store_timeout, patch_atom::value, key, std::move(patch))
      .then(
          [key](const store_result& result) {
            if (!result.ok() && result.error->code != 404)
              spdlog::warn("load balancer: {}/{}: status not written: {}", key.ns, key.name, result.error->message);
          },
          [](const caf::error&) {});
}

}  // namespace

load_balancer_actor spawn_load_balancer_controller(caf::actor_system& system, store_actor store, wall_clock clock) {
  return system.spawn([store, clock](load_balancer_pointer self) -> load_balancer_actor::behavior_type {
    self->state.store = store;
    self->state.clock = clock;
    watch_kinds(self, store, {"Node", "Service", "Endpoints"});
    return {[self](const change_event& event) {
      auto& st = self->state;
      if (event.kind == "Endpoints") {
        st.endpoints.apply(event);
        const auto key = st.endpoints.key_of(event.object);
        for (const auto& [uid, service] : st.services.objects())
          if (st.endpoints.key_of(service) == key) sync(self, service);
      } else if (event.kind == "Node") {
        st.nodes.apply(event);
        if (event.type == change_type::deleted) st.deleted_nodes.insert(control::name_of(event.object));
        else st.deleted_nodes.erase(control::name_of(event.object));
        for (const auto& [uid, service] : st.services.objects()) {
          sync(self, service);
          if (event.type == change_type::deleted) prune_port_conditions(self, service);
        }
      } else {
        st.services.apply(event);
        if (event.type == change_type::deleted) return;
        sync(self, event.object);
        prune_port_conditions(self, event.object);
      }
    }};
  });
}

}  // namespace orkest::actors
