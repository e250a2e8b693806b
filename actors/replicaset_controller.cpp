#include "actors/replicaset_controller.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>
#include <set>
#include <spdlog/spdlog.h>

#include "actors/watch_kinds.hpp"
#include "store/object_cache.hpp"
#include "control/pod_facts.hpp"
#include "control/replicaset_sync.hpp"
#include "actors/keyed_controller.hpp"
#include "actors/retry_queue.hpp"
#include "model/json_access.hpp"

namespace orkest::actors {

namespace {

// Store requests the controller makes are answered in microseconds; a long silence means
// the store is gone, and the resync will retry.
constexpr auto store_timeout = std::chrono::seconds(10);

struct in_flight {
  int creating = 0;
  std::set<std::string> deleting;  // pod names
};

struct controller_state {
  store_actor store;
  event_recorder events;
  wall_clock clock = system_wall_clock();
  std::map<std::string, json> replicasets;  // by uid
  store::object_cache pods;
  // What this controller asked of the store and has not heard back about. Because the store
  // pushes a change to its watchers before it answers the writer, a pod this controller
  // created is in `pods` by the time its creation leaves `creating`: no double creation.
  std::map<std::string, in_flight> pending;  // by ReplicaSet uid
  retry_queue retries;                      // by ReplicaSet uid
  // ReplicaSet uid -> when a sync is on its way for a pod becoming available (minReadySeconds).
  std::map<std::string, std::chrono::system_clock::time_point> availability_checks;
  static inline const char* name = "replicaset-controller";
};

using controller_pointer = replicaset_controller_actor::stateful_pointer<controller_state>;

std::vector<json> pods_owned_by(const controller_state& state, const std::string& owner_uid) {
  std::vector<json> owned;
  for (const auto& [uid, pod] : state.pods.objects())
    if (control::controller_uid(pod) == owner_uid) owned.push_back(pod);
  return owned;
}

// Once a deleted ReplicaSet has nothing in flight, nothing of it is kept.
void forget_if_settled(controller_pointer self, const std::string& rs_uid) {
  auto& st = self->state;
  auto it = st.pending.find(rs_uid);
  if (it == st.pending.end() || st.replicasets.count(rs_uid)) return;
  if (it->second.creating == 0 && it->second.deleting.empty()) st.pending.erase(it);
}

// A write for the ReplicaSet failed: it is synced again after a back-off (one retry on its way at
// a time), as a Kubernetes controller requeues its key, instead of waiting for the resync.
void retry_later(controller_pointer self, const std::string& rs_uid) {
  self->state.retries.retry(self, rs_uid);
}

// An Event about the ReplicaSet, worded as Kubernetes' replicaset-controller words it.
void record(controller_pointer self, const json& replicaset, const char* type, const char* reason, std::string message) {
  record_event(self->state.events, {control::reference_to(replicaset), type, reason, std::move(message),
                                    "replicaset-controller", ""});
}

// `replicaset` is the owner scaled down (its Event says so); null when the owner is gone.
void delete_pod(controller_pointer self, const std::string& owner_uid, const std::string& ns, const std::string& name,
                const json& replicaset = nullptr) {
  self->state.pending[owner_uid].deleting.insert(name);
  self->request(self->state.store, store_timeout, delete_atom::value, object_key{"Pod", ns, name}, delete_options{})
      .then([=](const store_result& result) {
        self->state.pending[owner_uid].deleting.erase(name);
        forget_if_settled(self, owner_uid);
        if (result.ok() && !replicaset.is_null()) record(self, replicaset, "Normal", "SuccessfulDelete", "Deleted pod: " + name);
        if (!result.ok() && result.error->code != 404) {
          spdlog::warn("replicaset controller: deleting pod {}/{} failed: {}", ns, name, result.error->message);
          retry_later(self, owner_uid);
        }
      }, [=](const caf::error&) {
        self->state.pending[owner_uid].deleting.erase(name);
        forget_if_settled(self, owner_uid);
        retry_later(self, owner_uid);
      });
}

// minReadySeconds: the ReplicaSet is synced again the moment its next ready pod becomes
// available, not at the next resync. One check on its way at a time, the earliest.
void check_availability_later(controller_pointer self, const std::string& rs_uid, std::chrono::system_clock::duration in) {
  auto& st = self->state;
  const auto now = st.clock();
  const auto at = now + in;
  auto planned = st.availability_checks.find(rs_uid);
  if (planned != st.availability_checks.end() && planned->second >= now && planned->second <= at) return;
  st.availability_checks[rs_uid] = at;
  self->delayed_send(self, std::chrono::ceil<std::chrono::milliseconds>(in), resync_atom::value, rs_uid);
}

void sync(controller_pointer self, const std::string& rs_uid) {
  auto it = self->state.replicasets.find(rs_uid);
  if (it == self->state.replicasets.end()) return;
  const json& replicaset = it->second;
  auto& pending = self->state.pending[rs_uid];
  auto plan = control::plan_replicaset(replicaset, pods_owned_by(self->state, rs_uid), pending.creating, pending.deleting,
                                       self->state.clock());
  auto ns = control::namespace_of(replicaset);
  if (plan.available_in) check_availability_later(self, rs_uid, *plan.available_in);

  for (int i = 0; i < plan.create; ++i) {
    ++pending.creating;
    self->request(self->state.store, store_timeout, create_atom::value, std::string{"Pod"}, ns,
                  control::pod_from_template(replicaset))
        .then(
            [=](const store_result& result) {
              --self->state.pending[rs_uid].creating;
              forget_if_settled(self, rs_uid);
              if (result.ok()) {
                record(self, replicaset, "Normal", "SuccessfulCreate", "Created pod: " + control::name_of(result.object));
                return self->state.retries.succeeded(rs_uid);
              }
              spdlog::warn("replicaset controller: creating a pod for {}/{} failed: {}", ns,
                           control::name_of(replicaset), result.error->message);
              record(self, replicaset, "Warning", "FailedCreate", "Error creating: " + result.error->message);
              retry_later(self, rs_uid);
            },
            [=](const caf::error&) {
              --self->state.pending[rs_uid].creating;
              forget_if_settled(self, rs_uid);
              retry_later(self, rs_uid);
            });
  }
  for (const auto& name : plan.remove) delete_pod(self, rs_uid, ns, name, replicaset);

  if (replicaset.value("status", json::object()) != plan.status) {
    self->request(self->state.store, store_timeout, status_atom::value,
                  object_key{"ReplicaSet", ns, control::name_of(replicaset)}, json{{"status", plan.status}})
        .then([=](const store_result& result) { if (!result.ok()) retry_later(self, rs_uid); },
              [=](const caf::error&) { retry_later(self, rs_uid); });
  }
}

void on_replicaset_deleted(controller_pointer self, const json& replicaset) {
  auto uid = control::uid_of(replicaset);
  self->state.replicasets.erase(uid);
  self->state.availability_checks.erase(uid);
  self->state.retries.succeeded(uid);
  for (const auto& pod : pods_owned_by(self->state, uid))
    if (!control::is_terminating(pod)) delete_pod(self, uid, control::namespace_of(pod), control::name_of(pod));
  forget_if_settled(self, uid);
}

void on_change(controller_pointer self, const change_event& event) {
  auto uid = control::uid_of(event.object);
  if (event.kind == "ReplicaSet") {
    if (event.type == change_type::deleted) return on_replicaset_deleted(self, event.object);
    self->state.replicasets[uid] = event.object;
    return sync(self, uid);
  }
  self->state.pods.apply(event);
  auto owner = control::controller_uid(event.object);
  if (!owner.empty()) sync(self, owner);
}

// Pods whose controlling ReplicaSet no longer exists are garbage, as Kubernetes' garbage
// collector would decide.
void collect_orphans(controller_pointer self) {
  std::vector<json> orphans;
  for (const auto& [uid, pod] : self->state.pods.objects()) {
    auto owner = control::controller_uid(pod);
    bool owned_by_replicaset = model::value_at(pod, "/metadata/ownerReferences/0/kind"_json_pointer, std::string{}) == "ReplicaSet";
    if (owned_by_replicaset && !owner.empty() && !self->state.replicasets.count(owner) && !control::is_terminating(pod))
      orphans.push_back(pod);
  }
  for (const auto& pod : orphans) delete_pod(self, control::controller_uid(pod), control::namespace_of(pod), control::name_of(pod));
}

replicaset_controller_actor::behavior_type controller(controller_pointer self, store_actor store,
                                                      std::chrono::milliseconds resync_period, event_recorder events,
                                                      wall_clock clock) {
  self->state.store = store;
  self->state.events = std::move(events);
  self->state.clock = std::move(clock);
  // Pods first: the store sends each watch's current objects before it answers, in the order
  // asked, so every pod is known before the first ReplicaSet is synced. The other order made a
  // restarted orkest (objects loaded from its database) create each ReplicaSet's replicas again
  // and delete them a moment later.
  return keyed_controller_behavior(
      self, store, {"Pod", "ReplicaSet"}, resync_period,
      [self](const change_event& event) { on_change(self, event); },
      [self](const std::string& rs_uid) { sync(self, rs_uid); },
      [self] {
        for (const auto& [uid, replicaset] : self->state.replicasets) sync(self, uid);
        collect_orphans(self);
      });
}

}  // namespace

replicaset_controller_actor spawn_replicaset_controller(caf::actor_system& system, store_actor store,
                                                        std::chrono::milliseconds resync_period, event_recorder events,
                                                        wall_clock clock) {
  return system.spawn(controller, std::move(store), resync_period, std::move(events), std::move(clock));
}

}  // namespace orkest::actors
