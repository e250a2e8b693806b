#include "actors/cluster_dns.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "control/dns_records.hpp"
#include "control/pod_facts.hpp"
#include "model/json_access.hpp"
#include "store/object_cache.hpp"

namespace orkest::actors {

namespace {

struct dns_state {
  std::shared_ptr<dns::responder> server;
  std::string cluster_domain;
  store::object_cache pods;      // as dns_view
  store::object_cache services;  // as dns_view
  bool dirty = false;            // changed since the table was last built
  static inline const char* name = "cluster-dns";
};

using dns_pointer = cluster_dns_actor::stateful_pointer<dns_state>;

// What dns_records reads of an object, and nothing else, so rebuilding the table copies a few
// strings per pod rather than whole pods.
json dns_view(const json& object) {
  json metadata = {{"name", control::name_of(object)}, {"namespace", control::namespace_of(object)},
                   {"uid", control::uid_of(object)}};  // the cache's key
  if (control::is_terminating(object)) metadata["deletionTimestamp"] = object["metadata"]["deletionTimestamp"];
  json view = {{"metadata", std::move(metadata)}};
  if (auto ip = model::value_at(object, "/status/podIP"_json_pointer, std::string{}); !ip.empty()) view["status"]["podIP"] = ip;
  if (auto ip = model::value_at(object, "/spec/clusterIP"_json_pointer, std::string{}); !ip.empty()) view["spec"]["clusterIP"] = ip;
  return view;
}

// Rebuilds the table once no message is waiting: a burst of changes (a ReplicaSet of 100
// starting, 1,000 pods created) costs one rebuild over all pods instead of one per change.
// Every handler calls this last, so the last message of a burst always rebuilds.
void rebuild_when_idle(dns_pointer self) {
  auto& st = self->state;
  if (!st.dirty || !self->mailbox().empty()) return;
  st.dirty = false;
  st.server->set_records(control::dns_records(st.pods.values(), st.services.values(), st.cluster_domain));
}

cluster_dns_actor::behavior_type dns_behavior(dns_pointer self, store_actor store,
                                              std::shared_ptr<dns::responder> server, std::string cluster_domain) {
  self->state.server = std::move(server);
  self->state.cluster_domain = std::move(cluster_domain);
  auto listener = caf::actor_cast<change_listener>(self);
  for (const char* kind : {"Pod", "Service"})
    self->request(store, std::chrono::seconds(10), watch_atom::value,
                  watch_request{kind, "", "", "", std::nullopt, true}, listener)
        .then([self](const store_result&) { rebuild_when_idle(self); },
              [self](const caf::error& error) { self->quit(error); });
  return {
      [self](const change_event& event) {
        auto& st = self->state;
        auto& objects = event.kind == "Pod" ? st.pods : st.services;
        objects.apply({event.type, event.kind, dns_view(event.object), event.resource_version});
        st.dirty = true;
        rebuild_when_idle(self);
      },
  };
}

}  // namespace

cluster_dns_actor spawn_cluster_dns(caf::actor_system& system, store_actor store,
                                    std::shared_ptr<dns::responder> server, std::string cluster_domain) {
  return system.spawn(dns_behavior, std::move(store), std::move(server), std::move(cluster_domain));
}

}  // namespace orkest::actors
