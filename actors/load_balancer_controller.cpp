#include "actors/load_balancer_controller.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>
#include <spdlog/spdlog.h>

#include "actors/watch_kinds.hpp"
#include "api/json_access.hpp"
#include "control/load_balancer_status.hpp"
#include "control/pod_facts.hpp"

namespace orkest::actors {

namespace {

constexpr auto store_timeout = std::chrono::seconds(10);

struct load_balancer_state {
  store_actor store;
  std::map<std::string, json> services;  // by uid
  std::map<std::string, json> nodes;     // by name
  std::map<std::string, json> endpoints;  // by namespace/name, for externalTrafficPolicy Local
  static inline const char* name = "load-balancer-controller";
};

using load_balancer_pointer = load_balancer_actor::stateful_pointer<load_balancer_state>;

// Writes the Service's status.loadBalancer when it is not what it should be. A write that does
// not land is done again at the Service's next change or any Node's (nodes post their status
// every 10 s).
void sync(load_balancer_pointer self, const json& service) {
  std::vector<json> nodes;
  for (const auto& [name, node] : self->state.nodes) nodes.push_back(node);
  auto endpoints = self->state.endpoints.find(control::namespace_of(service) + "/" + control::name_of(service));
  auto wanted = control::load_balancer_status(service, nodes,
                                              endpoints == self->state.endpoints.end() ? json() : endpoints->second);
  const auto& current = api::member_or_null(api::member_or_null(service, "status"), "loadBalancer");
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

load_balancer_actor spawn_load_balancer_controller(caf::actor_system& system, store_actor store) {
  return system.spawn([store](load_balancer_pointer self) -> load_balancer_actor::behavior_type {
    self->state.store = store;
    watch_kinds(self, store, {"Node", "Service", "Endpoints"});
    return {[self](const change_event& event) {
      auto& st = self->state;
      if (event.kind == "Endpoints") {
        const auto key = control::namespace_of(event.object) + "/" + control::name_of(event.object);
        if (event.type == change_type::deleted) st.endpoints.erase(key);
        else st.endpoints[key] = event.object;
        for (const auto& [uid, service] : st.services)
          if (control::namespace_of(service) + "/" + control::name_of(service) == key) sync(self, service);
        return;
      }
      if (event.kind == "Node") {
        if (event.type == change_type::deleted) st.nodes.erase(control::name_of(event.object));
        else st.nodes[control::name_of(event.object)] = event.object;
        for (const auto& [uid, service] : st.services) sync(self, service);
        return;
      }
      const auto uid = control::uid_of(event.object);
      if (event.type == change_type::deleted) {
        st.services.erase(uid);
        return;
      }
      st.services[uid] = event.object;
      sync(self, event.object);
    }};
  });
}

}  // namespace orkest::actors
