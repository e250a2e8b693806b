#include "actors/scheduler.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>
#include <spdlog/spdlog.h>

#include "actors/watch_kinds.hpp"
#include "store/object_cache.hpp"
#include "model/json_access.hpp"
#include "model/timestamp.hpp"
#include "control/pod_facts.hpp"
#include "control/scheduling.hpp"

namespace orkest::actors {

namespace {

constexpr auto store_timeout = std::chrono::seconds(10);

struct scheduler_state {
  store_actor store;
  scheduler_settings settings;
  store::object_cache nodes{store::cache_key::name};
  store::object_cache pods;
  // Pods bound but not yet seen bound (the binding in flight), as the node they went to: their
  // requests count on that node meanwhile (Kubernetes' assumed pods).
  std::map<std::string, json> assumed;  // by uid
  // The last reason each unschedulable pod was given, so a retry that finds the same says nothing.
  std::map<std::string, std::string> unschedulable;  // by uid
  bool sync_queued = false;
  static inline const char* name = "default-scheduler";
};

using scheduler_pointer = scheduler_actor::stateful_pointer<scheduler_state>;

bool waits_for_this_scheduler(const json& pod) {
  const json& spec = model::member_or_null(pod, "spec");
  if (!model::string_member(spec, "nodeName").empty() || control::is_terminating(pod)) return false;
  const auto phase = model::string_member(model::member_or_null(pod, "status"), "phase");
  if (phase == "Succeeded" || phase == "Failed") return false;
  const auto scheduler = model::string_member(spec, "schedulerName");
  return scheduler.empty() || scheduler == default_scheduler_name;
}

void record(scheduler_pointer self, const json& pod, const char* type, const char* reason, std::string message) {
  record_event(self->state.settings.events,
               {control::reference_to(pod), type, reason, std::move(message), default_scheduler_name, ""});
}

// One attempt is queued at a time: many changes in a row lead to one pass over the pods.
void sync_soon(scheduler_pointer self) {
  if (self->state.sync_queued) return;
  self->state.sync_queued = true;
  self->send(self, sync_atom::value);
}

void report_unschedulable(scheduler_pointer self, const json& pod, const std::string& message) {
  auto& st = self->state;
  const auto uid = control::uid_of(pod);
  auto& said = st.unschedulable[uid];
  if (said == message) return;
  said = message;
  spdlog::info("scheduler: pod {}/{} is unschedulable: {}", control::namespace_of(pod), control::name_of(pod), message);
  record(self, pod, "Warning", "FailedScheduling", message);
  json condition = {{"type", "PodScheduled"}, {"status", "False"}, {"reason", "Unschedulable"}, {"message", message},
                    {"lastProbeTime", nullptr}, {"lastTransitionTime", model::rfc3339(st.settings.clock())}};
  patch_request patch{patch_type::merge, {{"status", {{"conditions", json::array({condition})}}}}, true};
  self->request(st.store, store_timeout, patch_atom::value,
                object_key{"Pod", control::namespace_of(pod), control::name_of(pod)}, std::move(patch))
      .then([](const store_result&) {}, [](const caf::error&) {});
}

void bind_to_node(scheduler_pointer self, const json& pod, const std::string& node) {
  auto& st = self->state;
  const auto uid = control::uid_of(pod);
  json assumed = pod;
  assumed["spec"]["nodeName"] = node;
  st.assumed[uid] = std::move(assumed);
  const auto ns = control::namespace_of(pod), name = control::name_of(pod);
  json binding = {{"apiVersion", "v1"},
                  {"kind", "Binding"},
                  {"metadata", {{"name", name}, {"namespace", ns}, {"uid", uid}}},
                  {"target", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}}}};
  self->request(st.store, store_timeout, bind_atom::value, object_key{"Pod", ns, name}, std::move(binding))
      .then(
          [self, pod, uid, node, ns, name](const store_result& result) {
            self->state.assumed.erase(uid);
            if (result.ok()) {
              self->state.unschedulable.erase(uid);
              record(self, pod, "Normal", "Scheduled", "Successfully assigned " + ns + "/" + name + " to " + node);
              return;
            }
            // Gone, or bound by someone else meanwhile: the watch tells; anything else is retried.
            if (result.error->code != 404 && result.error->code != 409) {
              spdlog::warn("scheduler: binding {}/{} to {} failed: {}", ns, name, node, result.error->message);
              sync_soon(self);
            }
          },
          [self, uid](const caf::error&) {
            self->state.assumed.erase(uid);
            sync_soon(self);
          });
}

void schedule_pending(scheduler_pointer self) {
  auto& st = self->state;
  std::vector<const json*> nodes, placed;
  for (const auto& [name, node] : st.nodes.objects()) nodes.push_back(&node);
  for (const auto& [uid, pod] : st.pods.objects())
    if (!st.assumed.count(uid)) placed.push_back(&pod);
  for (const auto& [uid, pod] : st.assumed) placed.push_back(&pod);
  control::cluster_snapshot snapshot(nodes, placed);
  for (const auto& [uid, pod] : st.pods.objects()) {
    if (!waits_for_this_scheduler(pod) || st.assumed.count(uid)) continue;
    auto decision = snapshot.schedule(pod);
    if (decision.node.empty()) {
      report_unschedulable(self, pod, decision.message);
      continue;
    }
    snapshot.place(pod, decision.node);  // the next pod of this pass sees it there
    bind_to_node(self, pod, decision.node);
  }
}

void on_change(scheduler_pointer self, const change_event& event) {
  auto& st = self->state;
  if (event.kind == "Node") {
    st.nodes.apply(event);
    return sync_soon(self);
  }
  const json previous = st.pods.apply(event);
  if (event.type == change_type::deleted) {
    st.unschedulable.erase(control::uid_of(event.object));
    return sync_soon(self);  // its node has room again
  }
  const bool was_holding = !previous.is_null() && control::holds_node_resources(previous);
  // A new pending pod, or a pod that stopped holding its node's resources, is a reason to look.
  if (waits_for_this_scheduler(event.object) || (was_holding && !control::holds_node_resources(event.object)))
    sync_soon(self);
}

scheduler_actor::behavior_type scheduler(scheduler_pointer self, store_actor store, scheduler_settings settings) {
  self->state.store = store;
  self->state.settings = std::move(settings);
  watch_kinds(self, store, {"Node", "Pod"});
  self->delayed_send(self, self->state.settings.resync_period, resync_atom::value);
  return {
      [self](const change_event& event) { on_change(self, event); },
      [self](sync_atom) {
        self->state.sync_queued = false;
        schedule_pending(self);
      },
      [self](resync_atom) {
        schedule_pending(self);
        self->delayed_send(self, self->state.settings.resync_period, resync_atom::value);
      },
  };
}

}  // namespace

scheduler_actor spawn_scheduler(caf::actor_system& system, store_actor store, scheduler_settings settings) {
  return system.spawn(scheduler, std::move(store), std::move(settings));
}

}  // namespace orkest::actors
