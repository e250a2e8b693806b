#include "actors/node_lifecycle_controller.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>
#include <set>
#include <spdlog/spdlog.h>

#include "actors/watch_kinds.hpp"
#include "store/object_cache.hpp"
#include "model/json_access.hpp"
#include "control/node_lifecycle.hpp"
#include "control/node_registration.hpp"
#include "control/pod_facts.hpp"

namespace orkest::actors {

namespace {

constexpr auto store_timeout = std::chrono::seconds(10);
// How long a pod may name a node that does not exist before it is deleted (Kubernetes' pod
// garbage collector's quarantine): a node about to register has that long to do it.
constexpr auto orphan_quarantine = std::chrono::seconds(40);

struct lifecycle_state {
  store_actor store;
  node_lifecycle_settings settings;
  store::object_cache nodes{store::cache_key::name};
  store::object_cache leases{store::cache_key::name};  // a node's is named after it (kube-node-lease)
  store::object_cache pods;
  // Per node: its heartbeat marker and when this controller saw it change (its own clock).
  std::map<std::string, std::pair<std::string, std::chrono::system_clock::time_point>> heard;
  std::set<std::string> writing;       // "<node>/status", "<node>/taints": writes in flight
  std::set<std::string> evicting;      // pods with a deletion in flight
  // Names of nodes pods are bound to that do not exist, and since when this controller knows.
  std::map<std::string, std::chrono::system_clock::time_point> missing_since;
  static inline const char* name = "node-lifecycle-controller";
};

using lifecycle_pointer = node_lifecycle_actor::stateful_pointer<lifecycle_state>;

void record(lifecycle_pointer self, const json& object, const char* type, const char* reason, std::string message) {
  record_event(self->state.settings.events, {control::reference_to(object), type, reason, std::move(message),
                                             "node-controller", ""});
}

// One write of each kind per node at a time (`what` is "<node>/status" or "<node>/taints", its
// guard, inserted by the caller); the next pass looks again with what it brought.
template <class Atom, class Argument>
void write_node(lifecycle_pointer self, const std::string& what, Atom atom, Argument argument) {
  auto& st = self->state;
  const auto name = what.substr(0, what.rfind('/'));
  self->request(st.store, store_timeout, atom, object_key{"Node", "", name}, std::move(argument))
      .then(
          [self, what](const store_result& result) {
            self->state.writing.erase(what);
            if (!result.ok() && result.error->code != 404)
              spdlog::warn("node lifecycle: writing {} failed: {}", what, result.error->message);
          },
          [self, what](const caf::error&) { self->state.writing.erase(what); });
}

void evict(lifecycle_pointer self, const json& pod, const std::string& node) {
  auto& st = self->state;
  const auto uid = control::uid_of(pod);
  if (!st.evicting.insert(uid).second) return;
  const auto ns = control::namespace_of(pod), name = control::name_of(pod);
  spdlog::info("node lifecycle: evicting pod {}/{} from node {}", ns, name, node);
  record(self, pod, "Normal", "TaintManagerEviction", "Marking for deletion Pod " + ns + "/" + name);
  self->request(st.store, store_timeout, delete_atom::value, object_key{"Pod", ns, name}, delete_options{})
      .then([self, uid](const store_result&) { self->state.evicting.erase(uid); },
            [self, uid](const caf::error&) { self->state.evicting.erase(uid); });
}

// One pass: each step works on the node as the steps before it left it, so a node found silent
// is tainted and its pods evicted in the same pass.
void monitor(lifecycle_pointer self) {
  auto& st = self->state;
  const auto now = st.settings.clock();
  for (const auto& [name, stored] : st.nodes.objects()) {
    json node = stored;
    const auto silent = now - st.heard[name].second;
    if (silent > st.settings.grace_period && control::ready_status(node) != "Unknown") {
      if (!st.writing.insert(name + "/status").second) continue;
      spdlog::warn("node lifecycle: node {} has not renewed its lease for {} s: Unknown", name,
                   std::chrono::duration_cast<std::chrono::seconds>(silent).count());
      record(self, node, "Normal", "NodeNotReady", "Node " + name + " status is now: NodeNotReady");
      node["status"] = control::status_unknown(node, now);
      write_node(self, name + "/status", status_atom::value, json{{"status", node["status"]}});
    }
    json taints = control::taints_for_condition(node, now);
    const json& current = model::member_or_null(model::member_or_null(node, "spec"), "taints");
    if (taints != (current.is_array() ? current : json::array()) && st.writing.insert(name + "/taints").second)
      write_node(self, name + "/taints", patch_atom::value,
                 patch_request{patch_type::merge, {{"spec", {{"taints", taints}}}}, false});
    for (const auto& [uid, pod] : st.pods.objects()) {
      if (model::string_member(pod["spec"], "nodeName") != name || control::is_terminating(pod)) continue;
      if (control::eviction_for(pod, taints, now).evict) evict(self, pod, name);
    }
  }
}

// Pods bound to a node that does not exist (deleted, or never registered) are deleted at once
// once the quarantine has passed, as Kubernetes' pod garbage collector does: nobody would ever
// run or finish them.
void collect_orphans(lifecycle_pointer self) {
  auto& st = self->state;
  const auto now = st.settings.clock();
  std::set<std::string> still_missing;
  for (const auto& [uid, pod] : st.pods.objects()) {
    const auto node = model::string_member(pod["spec"], "nodeName");
    if (node.empty() || st.nodes.find(node)) continue;
    still_missing.insert(node);
    auto since = st.missing_since.emplace(node, now).first->second;
    if (now - since < orphan_quarantine || !st.evicting.insert(uid).second) continue;
    const auto ns = control::namespace_of(pod), name = control::name_of(pod);
    spdlog::info("node lifecycle: deleting pod {}/{}: its node {} does not exist", ns, name, node);
    delete_options now_options;
    now_options.grace_period_seconds = 0;
    self->request(st.store, store_timeout, delete_atom::value, object_key{"Pod", ns, name}, now_options)
        .then([self, uid](const store_result&) { self->state.evicting.erase(uid); },
              [self, uid](const caf::error&) { self->state.evicting.erase(uid); });
  }
  for (auto it = st.missing_since.begin(); it != st.missing_since.end();)
    it = still_missing.count(it->first) ? std::next(it) : st.missing_since.erase(it);
}

// A node first seen, or whose marker changed, was heard from now.
void hear(lifecycle_pointer self, const std::string& name) {
  auto& st = self->state;
  const json* node = st.nodes.find(name);
  if (!node) return;
  const json* lease = st.leases.find(name);
  auto marker = control::heartbeat_marker(*node, lease ? *lease : json());
  auto heard = st.heard.find(name);
  if (heard == st.heard.end() || heard->second.first != marker) st.heard[name] = {marker, st.settings.clock()};
}

void on_change(lifecycle_pointer self, const change_event& event) {
  auto& st = self->state;
  const auto name = control::name_of(event.object);
  if (event.kind == "Node") {
    st.nodes.apply(event);
    if (event.type == change_type::deleted) st.heard.erase(name);
    else hear(self, name);
  } else if (event.kind == "Lease") {
    st.leases.apply(event);
    hear(self, name);
  } else {
    st.pods.apply(event);
  }
}

node_lifecycle_actor::behavior_type controller(lifecycle_pointer self, store_actor store, node_lifecycle_settings settings) {
  self->state.store = store;
  self->state.settings = std::move(settings);
  auto listener = caf::actor_cast<change_listener>(self);
  watch_kinds(self, store, {"Node", "Pod"});
  // Only the node leases: other Leases (leader election) are not heartbeats.
  self->request(store, store_timeout, watch_atom::value,
                watch_request{"Lease", control::node_lease_namespace, "", "", std::nullopt, true}, listener)
      .then([](const store_result&) {}, [self](const caf::error& error) { self->quit(error); });
  self->delayed_send(self, self->state.settings.monitor_period, resync_atom::value);
  return {
      [self](const change_event& event) { on_change(self, event); },
      [self](resync_atom) {
        monitor(self);
        collect_orphans(self);
        self->delayed_send(self, self->state.settings.monitor_period, resync_atom::value);
      },
  };
}

}  // namespace

node_lifecycle_actor spawn_node_lifecycle_controller(caf::actor_system& system, store_actor store,
                                                     node_lifecycle_settings settings) {
  return system.spawn(controller, std::move(store), std::move(settings));
}

}  // namespace orkest::actors
