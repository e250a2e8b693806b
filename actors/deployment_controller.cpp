#include "actors/deployment_controller.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>
#include <spdlog/spdlog.h>

#include "actors/watch_kinds.hpp"
#include "store/object_cache.hpp"
#include "model/json_access.hpp"
#include "model/timestamp.hpp"
#include "control/deployment_rollout.hpp"
#include "control/pod_facts.hpp"
#include "actors/keyed_controller.hpp"
#include "actors/retry_queue.hpp"

namespace orkest::actors {

namespace {

constexpr auto store_timeout = std::chrono::seconds(10);

struct controller_state {
  store_actor store;
  event_recorder events;
  wall_clock clock = system_wall_clock();
  std::map<std::string, json> deployments;  // by uid
  store::object_cache replicasets;
  // Deployment uid -> writes of its step not yet answered; while any is, it is not planned again
  // (the answers, and the changes they made, come first).
  std::map<std::string, int> writing;
  retry_queue retries;  // by Deployment uid
  static inline const char* name = "deployment-controller";
};

using controller_pointer = deployment_controller_actor::stateful_pointer<controller_state>;

void sync(controller_pointer self, const std::string& uid);

std::vector<json> owned_by(const controller_state& state, const std::string& uid) {
  std::vector<json> owned;
  for (const auto& [rs_uid, rs] : state.replicasets.objects())
    if (control::controller_uid(rs) == uid) owned.push_back(rs);
  return owned;
}

// One write of a step has been answered: when it was the last, the next step is planned.
void answered(controller_pointer self, const std::string& uid, bool ok) {
  auto& st = self->state;
  if (--st.writing[uid] > 0) return;
  st.writing.erase(uid);
  if (!ok) {
    // As a Kubernetes controller requeues its key: again after a back-off.
    return st.retries.retry(self, uid);
  }
  st.retries.succeeded(uid);
  sync(self, uid);
}

template <class... Ts>
void write(controller_pointer self, const std::string& uid, const char* what, Ts&&... xs) {
  ++self->state.writing[uid];
  self->request(self->state.store, store_timeout, std::forward<Ts>(xs)...)
      .then(
          [self, uid, what](const store_result& result) {
            if (!result.ok() && result.error->code != 404)
              spdlog::warn("deployment controller: {} failed: {}", what, result.error->message);
            answered(self, uid, result.ok() || result.error->code == 404);
          },
          [self, uid](const caf::error&) { answered(self, uid, false); });
}

void record(controller_pointer self, const json& deployment, const control::deployment_event& event) {
  record_event(self->state.events,
               {control::reference_to(deployment), "Normal", event.reason, event.message, "deployment-controller", ""});
}

void sync(controller_pointer self, const std::string& uid) {
  auto& st = self->state;
  auto it = st.deployments.find(uid);
  if (it == st.deployments.end()) return;
  if (st.writing.count(uid)) return;  // planned again once the step in flight is answered
  const json deployment = it->second;
  const auto ns = control::namespace_of(deployment);
  auto plan = control::plan_deployment(deployment, owned_by(st, uid), model::rfc3339(st.clock()));
  for (const auto& event : plan.events) record(self, deployment, event);

  if (plan.create) write(self, uid, "creating a ReplicaSet", create_atom::value, std::string("ReplicaSet"), ns, *plan.create);
  for (const auto& [name, replicas] : plan.scale) {
    for (const auto& [rs_uid, rs] : st.replicasets.objects()) {
      if (control::name_of(rs) != name || control::namespace_of(rs) != ns) continue;
      json scaled = rs;
      scaled["spec"]["replicas"] = replicas;
      scaled["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = std::to_string(plan.desired_replicas);
      scaled["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] = std::to_string(plan.max_replicas);
      scaled["metadata"].erase("resourceVersion");  // the ReplicaSet controller writes its status meanwhile
      scaled.erase("status");
      write(self, uid, "scaling a ReplicaSet", update_atom::value, object_key{"ReplicaSet", ns, name}, scaled);
    }
  }
  for (const auto& name : plan.remove)
    write(self, uid, "deleting an old ReplicaSet", delete_atom::value, object_key{"ReplicaSet", ns, name},
          delete_options{});
  // The revision: an annotation of the Deployment itself (metadata only, so no new generation).
  const auto revision_pointer = json::json_pointer("/metadata/annotations/deployment.kubernetes.io~1revision");
  if (!plan.revision.empty() && model::value_at(deployment, revision_pointer, std::string{}) != plan.revision) {
    json annotated = deployment;
    annotated["metadata"]["annotations"][control::revision_annotation] = plan.revision;
    annotated["metadata"].erase("resourceVersion");
    annotated.erase("status");
    write(self, uid, "annotating the Deployment", update_atom::value,
          object_key{"Deployment", ns, control::name_of(deployment)}, annotated);
  }
  if (model::value_at(deployment, "/status"_json_pointer, json::object()) != plan.status)
    write(self, uid, "writing the Deployment's status", status_atom::value,
          object_key{"Deployment", ns, control::name_of(deployment)}, json{{"status", plan.status}});
}

void on_change(controller_pointer self, const change_event& event) {
  auto& st = self->state;
  const auto uid = control::uid_of(event.object);
  if (event.kind == "Deployment") {
    if (event.type == change_type::deleted) {
      st.deployments.erase(uid);
      // Its ReplicaSets go with it (Kubernetes' garbage collector: ownerReferences).
      for (const auto& rs : owned_by(st, uid))
        self->request(st.store, store_timeout, delete_atom::value,
                      object_key{"ReplicaSet", control::namespace_of(rs), control::name_of(rs)}, delete_options{})
            .then([](const store_result&) {}, [](const caf::error&) {});
      return;
    }
    st.deployments[uid] = event.object;
    return sync(self, uid);
  }
  st.replicasets.apply(event);
  if (auto owner = control::controller_uid(event.object); !owner.empty()) sync(self, owner);
}

// ReplicaSets whose controlling Deployment no longer exists.
void collect_orphans(controller_pointer self) {
  auto& st = self->state;
  for (const auto& [uid, rs] : st.replicasets.objects()) {
    const auto owner = control::controller_uid(rs);
    const bool by_deployment =
        model::value_at(rs, "/metadata/ownerReferences/0/kind"_json_pointer, std::string{}) == "Deployment";
    if (by_deployment && !owner.empty() && !st.deployments.count(owner))
      self->request(st.store, store_timeout, delete_atom::value,
                    object_key{"ReplicaSet", control::namespace_of(rs), control::name_of(rs)}, delete_options{})
          .then([](const store_result&) {}, [](const caf::error&) {});
  }
}

deployment_controller_actor::behavior_type controller(controller_pointer self, store_actor store,
                                                      std::chrono::milliseconds resync_period, event_recorder events,
                                                      wall_clock clock) {
  self->state.store = store;
  self->state.events = std::move(events);
  self->state.clock = std::move(clock);
  // ReplicaSets first, for the reason the ReplicaSet controller watches pods first: every
  // ReplicaSet is known before a Deployment is planned, so none is created twice.
  return keyed_controller_behavior(
      self, store, {"ReplicaSet", "Deployment"}, resync_period,
      [self](const change_event& event) { on_change(self, event); },
      [self](const std::string& uid) { sync(self, uid); },
      [self] {
        for (const auto& [uid, deployment] : self->state.deployments) sync(self, uid);
        collect_orphans(self);
      });
}

}  // namespace

deployment_controller_actor spawn_deployment_controller(caf::actor_system& system, store_actor store,
                                                        std::chrono::milliseconds resync_period, event_recorder events,
                                                        wall_clock clock) {
  return system.spawn(controller, std::move(store), resync_period, std::move(events), std::move(clock));
}

}  // namespace orkest::actors
