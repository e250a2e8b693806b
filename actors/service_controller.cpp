#include "actors/service_controller.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>
#include <set>
#include <spdlog/spdlog.h>

#include "actors/watch_kinds.hpp"
#include "store/object_cache.hpp"
#include "control/pod_facts.hpp"
#include "actors/keyed_controller.hpp"
#include "actors/retry_queue.hpp"
#include "model/json_access.hpp"
#include "model/label_selector.hpp"

namespace orkest::actors {

namespace {

constexpr auto store_timeout = std::chrono::seconds(10);

struct managed_service {
  json service;
  service_actor actor;
  json written_endpoints;  // what the store holds, to skip writes that change nothing
};

struct controller_state {
  store_actor store;
  std::shared_ptr<netproxy::proxy> proxy;
  service_actor_settings settings;
  std::map<std::string, managed_service> services;  // by uid
  store::object_cache endpoints{store::cache_key::namespaced_name};
  store::object_cache pods;  // only when publishing Endpoints
  retry_queue retries;                              // by Service uid
  static inline const char* name = "service-controller";
};

using controller_pointer = service_controller_actor::stateful_pointer<controller_state>;

std::vector<json> pods_in(const controller_state& state, const std::string& ns) {
  std::vector<json> out;
  for (const auto& [uid, pod] : state.pods.objects())
    if (control::namespace_of(pod) == ns) out.push_back(pod);
  return out;
}

// Writes the Endpoints object: replace it, or create it when it does not exist yet.
void publish_endpoints(controller_pointer self, const std::string& uid, json endpoints) {
  auto& managed = self->state.services[uid];
  if (managed.written_endpoints == endpoints) return;
  managed.written_endpoints = endpoints;
  object_key key{"Endpoints", control::namespace_of(endpoints), control::name_of(endpoints)};
  // A write that did not land (two first writes racing to create the object: the second gets
  // 409 and must not count as written) is forgotten, so the next sync or resync writes again.
  // It is synced again after a back-off, as a Kubernetes controller requeues its key.
  auto forget = [self, uid] {
    auto& st = self->state;
    auto it = st.services.find(uid);
    if (it == st.services.end()) return;
    it->second.written_endpoints = json();
    st.retries.retry(self, uid);
  };
  self->request(self->state.store, store_timeout, update_atom::value, key, endpoints)
      .then(
          [self, uid, key, endpoints, forget](const store_result& result) {
            if (result.ok()) return self->state.retries.succeeded(uid);
            if (result.error->code != 404) return forget();
            self->request(self->state.store, store_timeout, create_atom::value, key.kind, key.ns, endpoints)
                .then([forget](const store_result& created) { if (!created.ok()) forget(); },
                      [forget](const caf::error&) { forget(); });
          },
          [forget](const caf::error&) { forget(); });
}

// Tells the Service's actor its backends, from the Endpoints as they are now.
void route(controller_pointer self, const managed_service& managed) {
  auto& st = self->state;
  const json* endpoints = st.endpoints.find(st.endpoints.key_of(managed.service));
  self->send(managed.actor, backends_atom::value,
             control::backends_from_endpoints(managed.service, endpoints ? *endpoints : json(), st.settings.pod_addresses,
                                              st.settings.node_name));
}

// Whether this node writes the Service's Endpoints (the server's, for a Service with a selector).
bool publishes_for(const controller_state& state, const json& service) {
  return state.settings.publishes_state && !model::value_at(service, "/spec/selector"_json_pointer, json()).empty();
}

void sync(controller_pointer self, const std::string& uid) {
  auto it = self->state.services.find(uid);
  if (it == self->state.services.end()) return;
  auto& st = self->state;
  // A Service without a selector has Endpoints its user manages.
  if (publishes_for(st, it->second.service)) {
    auto endpoints = control::endpoints_for(it->second.service, pods_in(st, control::namespace_of(it->second.service)),
                                            st.settings.pod_addresses);
    // The publisher routes by what it publishes at once, without waiting for its own write to come
    // back: a pod that starts terminating leaves this node's backends within its drain time
    // however slow the store is (the watched echo of its writes is left aside: on_endpoints).
    st.endpoints.apply({change_type::modified, "Endpoints", endpoints, 0});
    publish_endpoints(self, uid, std::move(endpoints));
  }
  route(self, it->second);
}

// The Endpoints changed: the Service of that name routes to what they say now.
void on_endpoints(controller_pointer self, const change_event& event) {
  auto& st = self->state;
  const auto key = st.endpoints.key_of(event.object);
  for (const auto& [uid, managed] : st.services)
    if (st.endpoints.key_of(managed.service) == key && publishes_for(st, managed.service))
      return;  // its own copy rules: a late echo of an older write must not bring old backends back
  st.endpoints.apply(event);
  for (const auto& [uid, managed] : st.services)
    if (st.endpoints.key_of(managed.service) == key) route(self, managed);
}

void on_service(controller_pointer self, const change_event& event) {
  auto& st = self->state;
  auto uid = control::uid_of(event.object);
  auto it = st.services.find(uid);
  if (event.type == change_type::deleted) {
    if (it == st.services.end()) return;
    self->send_exit(it->second.actor, caf::exit_reason::user_shutdown);
    st.services.erase(it);
    st.retries.succeeded(uid);
    if (!st.settings.publishes_state) return;
    self->request(st.store, store_timeout, delete_atom::value,
                  object_key{"Endpoints", control::namespace_of(event.object), control::name_of(event.object)}, delete_options{})
        .then([](const store_result&) {}, [](const caf::error&) {});
    return;
  }
  if (it == st.services.end()) {
    auto actor = spawn_service_actor(self->system(), st.store, st.proxy, st.settings, event.object);
    self->link_to(actor);
    st.services[uid] = {event.object, actor, json()};
  } else {
    it->second.service = event.object;
    self->send(it->second.actor, update_atom::value, event.object);
  }
  sync(self, uid);
}

// Whether the Service's selector matches the pod's labels, terminating or not (a pod that
// starts terminating must leave the Service's backends). No selector selects nothing.
bool selects(const json& service, const json& pod) {
  if (control::namespace_of(service) != control::namespace_of(pod)) return false;
  const json* selector = service.contains("spec") ? &service["spec"] : nullptr;
  if (!selector || !selector->is_object() || !selector->contains("selector")) return false;
  selector = &(*selector)["selector"];
  if (!selector->is_object() || selector->empty()) return false;
  model::labels wanted;
  for (const auto& [key, value] : selector->items())
    if (value.is_string()) wanted[key] = value.get<std::string>();
  return model::label_selector::from_map(wanted).matches(model::labels_of(pod));
}

// Only the Services that select the pod before or after the change are synced: syncing every
// Service of the namespace on every pod event made the controller's work grow with
// pods x Services, and under churn its mailbox (Service deletions included) fell minutes behind.
void on_pod(controller_pointer self, const change_event& event) {
  auto& st = self->state;
  const json before = st.pods.apply(event);
  for (const auto& [service_uid, managed] : st.services)
    if (selects(managed.service, event.object) || (!before.is_null() && selects(managed.service, before)))
      sync(self, service_uid);
}

service_controller_actor::behavior_type controller(controller_pointer self, store_actor store,
                                                   std::shared_ptr<netproxy::proxy> proxy,
                                                   service_actor_settings settings,
                                                   std::chrono::milliseconds resync_period) {
  auto& st = self->state;
  st.store = store;
  st.proxy = std::move(proxy);
  st.settings = std::move(settings);
  // Agents read the Endpoints the server publishes; only the publisher needs every Pod. The
  // Endpoints come before the Services, so each Service routes as soon as it is known.
  std::vector<const char*> kinds = {"Endpoints", "Service"};
  if (st.settings.publishes_state) kinds.insert(kinds.begin(), "Pod");
  return keyed_controller_behavior(
      self, store, kinds, resync_period,
      [self](const change_event& event) {
        if (event.kind == "Service") on_service(self, event);
        else if (event.kind == "Endpoints") on_endpoints(self, event);
        else if (event.kind == "Pod") on_pod(self, event);
      },
      [self](const std::string& uid) { sync(self, uid); },
      [self] {
        for (const auto& [uid, managed] : self->state.services) sync(self, uid);
      });
}

}  // namespace

service_controller_actor spawn_service_controller(caf::actor_system& system, store_actor store,
                                                  std::shared_ptr<netproxy::proxy> proxy,
                                                  service_actor_settings settings,
                                                  std::chrono::milliseconds resync_period) {
  return system.spawn(controller, std::move(store), std::move(proxy), std::move(settings), resync_period);
}

}  // namespace orkest::actors
