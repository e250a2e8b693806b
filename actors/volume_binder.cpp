#include "actors/volume_binder.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "actors/watch_kinds.hpp"
#include "store/object_cache.hpp"
#include "model/json_access.hpp"
#include "model/kinds/persistent_storage.hpp"
#include "model/timestamp.hpp"
#include "control/event_log.hpp"
#include "control/pod_facts.hpp"
#include "control/volume_binding.hpp"

namespace orkest::actors {

namespace {

constexpr auto store_timeout = std::chrono::seconds(10);

struct binder_state {
  store_actor store;
  volume_actor volumes;
  volume_binder_settings settings;
  store::object_cache claims;
  store::object_cache volumes_by_name{store::cache_key::name};
  store::object_cache classes{store::cache_key::name};
  std::map<std::string, json> pods;     // by uid: the claims' consumers
  std::set<std::string> in_flight;      // objects with a write out ("PVC/ns/name", "PV/name")
  std::set<std::string> provisioning;   // claims (uid) whose volume is being made
  std::map<std::string, std::string> last_said;  // claim uid -> the waiting message last recorded
  bool sync_pending = false;
  static inline const char* name = "volume-binder";
};

using binder_pointer = volume_binder_actor::stateful_pointer<binder_state>;

std::string claim_key(const json& claim) { return "PVC/" + control::namespace_of(claim) + "/" + control::name_of(claim); }
std::string volume_key(const std::string& name) { return "PV/" + name; }


void schedule_sync(binder_pointer self) {
  if (self->state.sync_pending) return;
  self->state.sync_pending = true;
  self->send(self, sync_atom::value);
}

void record(binder_pointer self, const json& claim, const std::string& type, const std::string& reason,
            const std::string& message, const std::string& component = "persistentvolume-controller") {
  record_event(self->state.settings.events, {control::reference_to(claim), type, reason, message, component, ""});
}

// One write to the store with `key` marked in flight; a sync follows its answer.
template <class... Ts>
void write(binder_pointer self, const std::string& key, std::function<void(const store_result&)> then, Ts&&... xs) {
  self->state.in_flight.insert(key);
  self->request(self->state.store, store_timeout, std::forward<Ts>(xs)...)
      .then(
          [self, key, then](const store_result& result) {
            self->state.in_flight.erase(key);
            if (!result.ok()) spdlog::debug("volume binder: write of {} refused: {}", key, result.error->message);
            then(result);
            schedule_sync(self);
          },
          [self, key](const caf::error& error) {
            self->state.in_flight.erase(key);
            spdlog::warn("volume binder: write of {} failed: {}", key, caf::to_string(error));
          });
}

void ignore(const store_result&) {}

object_key key_of_claim(const json& claim) {
  return {"PersistentVolumeClaim", control::namespace_of(claim), control::name_of(claim)};
}
object_key key_of_volume(const json& volume) { return {"PersistentVolume", "", control::name_of(volume)}; }

// A pod in `ns` names the claim `name`; `active_only`: one that is not finished.
bool named_by_a_pod(const binder_state& st, const std::string& ns, const std::string& name, bool active_only) {
  for (const auto& [uid, pod] : st.pods) {
    if (control::namespace_of(pod) != ns || (active_only && !control::is_active(pod))) continue;
    for (const auto& volume : model::array_member(model::member_or_null(pod, "spec"), "volumes"))
      if (model::string_member(model::member_or_null(volume, "persistentVolumeClaim"), "claimName") == name) return true;
  }
  return false;
}

bool consumed(const binder_state& st, const json& claim) {
  return named_by_a_pod(st, control::namespace_of(claim), control::name_of(claim), true);
}

void provision(binder_pointer self, const json& claim, const std::string& class_name) {
  auto& st = self->state;
  const std::string uid = control::uid_of(claim);
  const json* storage_class = st.classes.find(class_name);
  if (st.provisioning.count(uid) || !storage_class || st.settings.storage_dir.empty()) return;
  st.provisioning.insert(uid);
  const std::string path = control::provisioned_path(st.settings.storage_dir, claim);
  const json volume = control::provisioned_volume(claim, *storage_class, path);
  const std::string component = std::string(model::kinds::local_path_provisioner);
  record(self, claim, "Normal", "Provisioning", "External provisioner is provisioning volume for claim \"" +
                                                   control::namespace_of(claim) + "/" + control::name_of(claim) + "\"",
         component);
  self->request(st.volumes, store_timeout, provision_atom::value, path)
      .then(
          [self, claim, volume, uid, component](const std::string& error) {
            if (!error.empty()) {
              self->state.provisioning.erase(uid);
              record(self, claim, "Warning", "ProvisioningFailed", "failed to provision volume: " + error, component);
              return;
            }
            self->request(self->state.store, store_timeout, create_atom::value, std::string("PersistentVolume"),
                          std::string{}, volume)
                .then(
                    [self, claim, uid, component, name = control::name_of(volume)](const store_result& result) {
                      self->state.provisioning.erase(uid);
                      if (result.ok() || result.error->code == 409)
                        record(self, claim, "Normal", "ProvisioningSucceeded", "Successfully provisioned volume " + name,
                               component);
                      else
                        record(self, claim, "Warning", "ProvisioningFailed", result.error->message, component);
                      schedule_sync(self);
                    },
                    [self, uid](const caf::error&) { self->state.provisioning.erase(uid); });
          },
          [self, uid](const caf::error&) { self->state.provisioning.erase(uid); });
}

void sync_claim(binder_pointer self, const json& claim) {
  auto& st = self->state;
  if (st.in_flight.count(claim_key(claim)) || control::is_terminating(claim)) return;
  const auto decision =
      control::decide_claim(claim, st.volumes_by_name.values(), st.classes.values(), consumed(st, claim));
  const std::string uid = control::uid_of(claim);
  switch (decision.action) {
    case control::claim_action::none:
      return;
    case control::claim_action::set_default_class: {
      json updated = claim;
      updated["spec"]["storageClassName"] = decision.class_name;
      return write(self, claim_key(claim), ignore, update_atom::value, key_of_claim(claim), std::move(updated));
    }
    case control::claim_action::bind: {
      const json* found = st.volumes_by_name.find(decision.volume);
      if (!found) return;
      const json& volume = *found;
      switch (control::next_binding_step(claim, volume)) {
        case control::binding_step::volume_claim_ref:
          if (st.in_flight.count(volume_key(decision.volume))) return;
          return write(self, volume_key(decision.volume), ignore, update_atom::value, key_of_volume(volume),
                       control::with_claim_ref(volume, claim));
        case control::binding_step::claim_volume_name:
          return write(self, claim_key(claim), ignore, update_atom::value, key_of_claim(claim),
                       control::with_volume_name(claim, decision.volume));
        case control::binding_step::claim_status: {
          json body = claim;
          body["status"] = control::bound_claim_status(volume);
          st.last_said.erase(uid);
          return write(self, claim_key(claim), ignore, status_atom::value, key_of_claim(claim), std::move(body));
        }
        case control::binding_step::done:
          return;
      }
      return;
    }
    case control::claim_action::provision:
      return provision(self, claim, decision.class_name);
    case control::claim_action::wait:
      if (st.last_said[uid] == decision.message) return;
      st.last_said[uid] = decision.message;
      return record(self, claim, decision.event_type, decision.reason, decision.message);
    case control::claim_action::lost: {
      record(self, claim, decision.event_type, decision.reason, decision.message);
      json body = claim;
      body["status"]["phase"] = "Lost";
      return write(self, claim_key(claim), ignore, status_atom::value, key_of_claim(claim), std::move(body));
    }
  }
}

void sync_volume(binder_pointer self, const json& volume) {
  auto& st = self->state;
  const std::string name = control::name_of(volume);
  if (st.in_flight.count(volume_key(name))) return;
  const auto now = model::rfc3339(st.settings.clock());
  auto set_phase = [&](const char* phase) {
    json body = volume;
    body["status"] = control::volume_status(phase, now);
    write(self, volume_key(name), ignore, status_atom::value, key_of_volume(volume), std::move(body));
  };
  // Any pod still there (running or not) may have the folder mounted: its volume stays.
  const json& claim_ref = model::member_or_null(model::member_or_null(volume, "spec"), "claimRef");
  const bool in_use = named_by_a_pod(st, model::string_member(claim_ref, "namespace"), model::string_member(claim_ref, "name"), false);
  switch (control::decide_volume(volume, st.claims.values(), in_use)) {
    case control::volume_action::none:
      return;
    case control::volume_action::available:
      return set_phase("Available");
    case control::volume_action::bound:
      return set_phase("Bound");
    case control::volume_action::released:
      return set_phase("Released");
    case control::volume_action::remove: {
      auto delete_volume = [self, volume, name] {
        write(self, volume_key(name), ignore, delete_atom::value, key_of_volume(volume), delete_options{});
      };
      if (!control::is_provisioned_by_orkest(volume)) return delete_volume();
      // The provisioner's own folder goes first; a folder that will not go keeps its volume.
      st.in_flight.insert(volume_key(name));
      const std::string path = model::value_at(volume, "/spec/hostPath/path"_json_pointer, std::string{});
      self->request(st.volumes, store_timeout, teardown_atom::value, path)
          .then(
              [self, name, delete_volume](const std::string& error) {
                self->state.in_flight.erase(volume_key(name));
                if (error.empty()) return delete_volume();
                spdlog::warn("volume binder: the folder of {} was not removed: {}", name, error);
              },
              [self, name](const caf::error&) { self->state.in_flight.erase(volume_key(name)); });
      return;
    }
  }
}

void sync(binder_pointer self) {
  auto& st = self->state;
  st.sync_pending = false;
  for (const auto& claim : st.claims.values()) sync_claim(self, claim);
  for (const auto& volume : st.volumes_by_name.values()) sync_volume(self, volume);
}

void on_change(binder_pointer self, const change_event& event) {
  auto& st = self->state;
  const bool gone = event.type == change_type::deleted;
  const std::string uid = control::uid_of(event.object);
  if (event.kind == "PersistentVolumeClaim") {
    st.claims.apply(event);
    if (gone) st.last_said.erase(uid);
  } else if (event.kind == "PersistentVolume") {
    st.volumes_by_name.apply(event);
  } else if (event.kind == "StorageClass") {
    st.classes.apply(event);
  } else if (event.kind == "Pod") {
    const json& volumes = model::member_or_null(model::member_or_null(event.object, "spec"), "volumes");
    bool names_a_claim = false;
    if (volumes.is_array())
      for (const auto& volume : volumes) names_a_claim = names_a_claim || volume.contains("persistentVolumeClaim");
    if (gone || !names_a_claim) {
      st.pods.erase(uid);
      return;
    }
    st.pods[uid] = event.object;
  }
  schedule_sync(self);
}

volume_binder_actor::behavior_type binder(binder_pointer self, store_actor store, volume_actor volumes,
                                          volume_binder_settings settings) {
  self->state.store = store;
  self->state.volumes = std::move(volumes);
  self->state.settings = std::move(settings);
  watch_kinds(self, store, {"StorageClass", "PersistentVolume", "PersistentVolumeClaim", "Pod"});
  self->delayed_send(self, self->state.settings.resync_period, resync_atom::value);
  return {
      [self](const change_event& event) { on_change(self, event); },
      [self](sync_atom) { sync(self); },
      [self](resync_atom) {
        sync(self);
        self->delayed_send(self, self->state.settings.resync_period, resync_atom::value);
      },
  };
}

}  // namespace

volume_binder_actor spawn_volume_binder(caf::actor_system& system, store_actor store, volume_actor volumes,
                                        volume_binder_settings settings) {
  return system.spawn(binder, std::move(store), std::move(volumes), std::move(settings));
}

}  // namespace orkest::actors
