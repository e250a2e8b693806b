#include "actors/cluster_dns.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>

#include "actors/dns_records.hpp"
#include "actors/pod_facts.hpp"

namespace orkest::actors {

namespace {

struct dns_state {
  std::shared_ptr<dns::dns_server> server;
  std::string cluster_domain;
  std::map<std::string, json> pods;      // by uid
  std::map<std::string, json> services;  // by uid
  static inline const char* name = "cluster-dns";
};

using dns_pointer = cluster_dns_actor::stateful_pointer<dns_state>;

std::vector<json> values_of(const std::map<std::string, json>& objects) {
  std::vector<json> out;
  for (const auto& [uid, object] : objects) out.push_back(object);
  return out;
}

cluster_dns_actor::behavior_type dns_behavior(dns_pointer self, store_actor store,
                                              std::shared_ptr<dns::dns_server> server, std::string cluster_domain) {
  self->state.server = std::move(server);
  self->state.cluster_domain = std::move(cluster_domain);
  auto listener = caf::actor_cast<change_listener>(self);
  for (const char* kind : {"Pod", "Service"})
    self->request(store, std::chrono::seconds(10), watch_atom::value,
                  watch_request{kind, "", "", "", std::nullopt, true}, listener)
        .then([](const store_result&) {}, [self](const caf::error& error) { self->quit(error); });
  return {
      [self](const change_event& event) {
        auto& st = self->state;
        auto& objects = event.kind == "Pod" ? st.pods : st.services;
        if (event.type == change_type::deleted) objects.erase(uid_of(event.object));
        else objects[uid_of(event.object)] = event.object;
        st.server->set_records(dns_records(values_of(st.pods), values_of(st.services), st.cluster_domain));
      },
  };
}

}  // namespace

cluster_dns_actor spawn_cluster_dns(caf::actor_system& system, store_actor store,
                                    std::shared_ptr<dns::dns_server> server, std::string cluster_domain) {
  return system.spawn(dns_behavior, std::move(store), std::move(server), std::move(cluster_domain));
}

}  // namespace orkest::actors
