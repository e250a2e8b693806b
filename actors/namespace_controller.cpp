#include "actors/namespace_controller.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>
#include <memory>
#include <set>
#include <spdlog/spdlog.h>

#include "actors/retry_queue.hpp"
#include "actors/watch_kinds.hpp"
#include "control/pod_facts.hpp"
#include "model/json_access.hpp"
#include "model/namespaces.hpp"
#include "model/resource_kind.hpp"
#include "model/timestamp.hpp"
#include "store/object_cache.hpp"

namespace orkest::actors {

namespace {

constexpr auto store_timeout = std::chrono::seconds(10);

struct namespace_state {
  store_actor store;
  wall_clock clock;
  store::object_cache namespaces{store::cache_key::name};
  bool replayed = false;           // every stored Namespace is known
  std::set<std::string> emptying;  // a pass over these is under way
  std::map<std::string, std::string> said;  // the remaining-content message last written, by name
  retry_queue retries;             // namespaces with content left, by name
  static inline const char* name = "namespace-controller";
};

using namespace_pointer = namespace_controller_actor::stateful_pointer<namespace_state>;

json namespace_object(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
}

// The system namespaces that have no object: made, as Kubernetes' apiserver makes them.
void make_system_namespaces(namespace_pointer self) {
  auto& st = self->state;
  for (const auto& name : model::system_namespaces()) {
    if (st.namespaces.find(name)) continue;
    self->request(st.store, store_timeout, create_atom::value, std::string("Namespace"), std::string(), namespace_object(name))
        .then(
            [name](const store_result& result) {
              if (!result.ok() && result.error->code != 409)
                spdlog::warn("namespace {} not made: {}", name, result.error->message);
            },
            [](const caf::error&) {});
  }
}

// Takes this controller's finalizer ("kubernetes") away: with none left the store removes the
// namespace; another's finalizer holds it until its owner takes that away too.
void finalize(namespace_pointer self, const json& ns) {
  const auto name = control::name_of(ns);
  json finalized = ns;
  json others = json::array();
  for (const auto& finalizer : model::value_at(ns, "/spec/finalizers"_json_pointer, json::array()))
    if (finalizer != "kubernetes") others.push_back(finalizer);
  if (others == model::value_at(ns, "/spec/finalizers"_json_pointer, json::array())) return;  // ours is gone already
  finalized["spec"]["finalizers"] = std::move(others);
  self->request(self->state.store, store_timeout, update_atom::value, object_key{"Namespace", "", name}, std::move(finalized))
      .then(
          [self, name](const store_result& result) {
            if (result.ok() || result.error->code == 404) return self->state.retries.succeeded(name);
            self->state.retries.retry(self, name);  // changed meanwhile (409), or the store refused: again
          },
          [self, name](const caf::error&) { self->state.retries.retry(self, name); });
}

// What is left, as Kubernetes' namespace controller says it: "Some resources are remaining:
// configmaps. has 1 resource instances, pods. has 2 resource instances" (resource.group).
std::string remaining_message(const std::map<std::string, std::size_t>& left) {
  std::string message;
  for (const auto& [resource, count] : left)
    message += (message.empty() ? "" : ", ") + resource + " has " + std::to_string(count) + " resource instances";
  return "Some resources are remaining: " + message;
}

// The namespace's NamespaceContentRemaining condition, so `kubectl describe ns` tells why it is
// still Terminating; written when what it says changes.
void report_remaining(namespace_pointer self, const std::string& name, const std::map<std::string, std::size_t>& left,
                      const std::string& now) {
  auto& st = self->state;
  const auto message = remaining_message(left);
  if (st.said[name] == message) return;
  st.said[name] = message;
  json condition = {{"type", "NamespaceContentRemaining"}, {"status", "True"}, {"reason", "SomeResourcesRemain"},
                    {"message", message}, {"lastTransitionTime", now}};
  patch_request patch{patch_type::merge, {{"status", {{"conditions", json::array({condition})}}}}, true};
  self->request(st.store, store_timeout, patch_atom::value, object_key{"Namespace", "", name}, std::move(patch))
      .then([](const store_result&) {}, [](const caf::error&) {});
}

// One pass over a terminating namespace: deletes every object of every namespaced kind in it
// (an object already being deleted is left to finish), and once a pass finds nothing, finalizes.
void empty(namespace_pointer self, const std::string& name) {
  auto& st = self->state;
  const json* ns = st.namespaces.find(name);
  if (!ns || !control::is_terminating(*ns) || st.emptying.count(name)) return;
  st.emptying.insert(name);
  std::vector<const model::resource_kind*> kinds;
  for (const auto& kind : model::all_kinds())
    if (kind.namespaced) kinds.push_back(&kind);
  auto unanswered = std::make_shared<std::size_t>(kinds.size());
  auto remaining = std::make_shared<std::map<std::string, std::size_t>>();  // by "resource.group"
  auto answered = [self, name, unanswered, remaining] {
    if (--*unanswered > 0) return;
    auto& st = self->state;
    st.emptying.erase(name);
    const json* ns = st.namespaces.find(name);
    if (!ns || !control::is_terminating(*ns)) return;
    if (remaining->empty()) return finalize(self, *ns);
    report_remaining(self, name, *remaining, model::rfc3339(st.clock()));
    st.retries.retry(self, name);
  };
  for (const auto* kind : kinds)
    self->request(st.store, store_timeout, list_atom::value, store::list_request{kind->kind, name, "", ""})
        .then(
            [self, kind, name, remaining, answered](const store_result& result) {
              const auto resource = kind->plural + "." + kind->group;
              if (!result.ok()) {
                ++(*remaining)[resource];  // not known to be empty
                return answered();
              }
              for (const auto& object : model::member_or_null(result.object, "items")) {
                ++(*remaining)[resource];
                if (control::is_terminating(object)) continue;
                self->request(self->state.store, store_timeout, delete_atom::value,
                              object_key{kind->kind, name, control::name_of(object)}, delete_options{})
                    .then([](const store_result&) {}, [](const caf::error&) {});
              }
              answered();
            },
            [kind, remaining, answered](const caf::error&) {
              ++(*remaining)[kind->plural + "." + kind->group];
              answered();
            });
}

}  // namespace

namespace_controller_actor spawn_namespace_controller(caf::actor_system& system, store_actor store,
                                                      wall_clock clock) {
  return system.spawn([store, clock](namespace_pointer self) -> namespace_controller_actor::behavior_type {
    self->state.store = store;
    self->state.clock = clock;
    watch_kind_then(self, store, "Namespace", [self] {
      self->state.replayed = true;
      make_system_namespaces(self);
      for (const auto& [name, ns] : self->state.namespaces.objects()) empty(self, name);
    });
    return {
        [self](const change_event& event) {
          auto& st = self->state;
          st.namespaces.apply(event);
          const auto name = control::name_of(event.object);
          if (event.type == change_type::deleted) {
            st.retries.succeeded(name);
            st.said.erase(name);
            // kube-node-lease, say: a system namespace is made again.
            if (st.replayed && model::is_system_namespace(name)) make_system_namespaces(self);
            return;
          }
          if (st.replayed) empty(self, name);
        },
        [self](resync_atom, const std::string& name) {
          self->state.retries.arrived(name);
          empty(self, name);
        },
    };
  });
}

}  // namespace orkest::actors
