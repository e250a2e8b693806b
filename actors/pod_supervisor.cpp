#include "actors/pod_supervisor.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>
#include <set>
#include <spdlog/spdlog.h>

#include "control/pod_facts.hpp"

namespace orkest::actors {

namespace {

struct supervisor_state {
  store_actor store;
  runtime_actor runtime;
  pod_supervisor_settings settings;
  std::map<std::string, pod_actor> pods;  // by pod uid
  // "namespace/name" -> uid of the newest pod of that name. Containers are matched to pods by
  // name: their uid label is stale after an orkest restart (uids are not kept).
  std::map<std::string, std::string> uid_by_name;
  bool orphans_removed = false;

  const pod_actor* actor_for(const podman::label_map& labels) const {
    auto ns = labels.find(podman::label_namespace), name = labels.find(podman::label_pod_name);
    if (ns == labels.end() || name == labels.end()) return nullptr;
    auto uid = uid_by_name.find(ns->second + "/" + name->second);
    if (uid == uid_by_name.end()) return nullptr;
    auto actor = pods.find(uid->second);
    return actor == pods.end() ? nullptr : &actor->second;
  }
  static inline const char* name = "pod-supervisor";
};

using supervisor_pointer = pod_supervisor_actor::stateful_pointer<supervisor_state>;

void on_pod_change(supervisor_pointer self, const change_event& event) {
  auto& st = self->state;
  auto uid = control::uid_of(event.object);
  auto it = st.pods.find(uid);
  if (it != st.pods.end()) return self->send(it->second, event);
  if (event.type == change_type::deleted) return;
  // A pod that already finished and lost its container (e.g. after an orkest restart) has
  // nothing left to own unless it is being deleted.
  auto actor = spawn_pod_actor(self->system(), st.store, st.runtime, st.settings.pod, event.object);
  self->monitor(actor);
  self->link_to(actor);  // pod actors end with the supervisor
  st.pods.emplace(uid, actor);
  st.uid_by_name[control::namespace_of(event.object) + "/" + control::name_of(event.object)] = uid;
}

void on_container_event(supervisor_pointer self, const podman::container_event& event) {
  if (const auto* actor = self->state.actor_for(event.labels)) self->send(*actor, event);
}

// The safety net behind the event stream, in one runtime call for all pods: every container
// with orkest's labels is listed; each pod actor compares its container with the listing (and
// inspects only if they differ), and containers that no pod claims are removed. Without a
// listing every pod actor inspects its own container.
void resync(supervisor_pointer self) {
  auto& st = self->state;
  // Once, when every pod in the store has its actor: the volumes of pods deleted while orkest
  // was not running go.
  if (!st.orphans_removed && st.settings.pod.volumes) {
    st.orphans_removed = true;
    std::set<std::string> live;
    for (const auto& [uid, actor] : st.pods) live.insert(uid);
    caf::anon_send(st.settings.pod.volumes, orphans_atom::value, std::move(live));
  }
  auto resync_each = [self] {
    for (auto& [uid, actor] : self->state.pods) self->send(actor, resync_atom::value);
  };
  podman::label_map ours = {{podman::label_managed_by, "orkest"}, {podman::label_node, st.settings.node_name}};
  self->request(st.runtime, st.settings.pod.runtime_timeout, list_atom::value, ours)
      .then(
          [self, resync_each](const runtime_list_reply& reply) {
            if (reply.error) {
              spdlog::warn("pod supervisor: listing containers failed: {}", reply.error->message);
              return resync_each();
            }
            std::set<caf::actor_addr> listed;
            for (const auto& container : reply.containers) {
              if (const auto* actor = self->state.actor_for(container.labels)) {
                self->send(*actor, resync_atom::value, container);
                listed.insert(actor->address());
                continue;
              }
              spdlog::info("pod supervisor: removing container {} ({}): no pod claims it", container.name,
                           container.id);
              self->request(self->state.runtime, self->state.settings.pod.runtime_timeout, remove_atom::value,
                            container.id)
                  .then([](const runtime_reply&) {}, [](const caf::error&) {});
            }
            // A pod whose container is not listed may have lost it: its actor looks for itself.
            for (auto& [uid, actor] : self->state.pods)
              if (!listed.count(actor.address())) self->send(actor, resync_atom::value);
          },
          [resync_each](const caf::error&) { resync_each(); });
}

pod_supervisor_actor::behavior_type supervisor(supervisor_pointer self, store_actor store, runtime_actor runtime,
                                               pod_supervisor_settings settings) {
  auto& st = self->state;
  st.store = store;
  st.runtime = runtime;
  st.settings = settings;
  self->set_down_handler([self](const caf::down_msg& down) {
    auto& pods = self->state.pods;
    for (auto it = pods.begin(); it != pods.end(); ++it)
      if (it->second.address() == down.source) {
        auto& names = self->state.uid_by_name;
        for (auto name = names.begin(); name != names.end(); ++name)
          if (name->second == it->first) {
            names.erase(name);
            break;
          }
        pods.erase(it);
        return;
      }
  });
  // A pod actor that fails costs its pod (recreated by the next change), not the supervisor.
  self->set_exit_handler([self](const caf::exit_msg& exit) {
    for (const auto& [uid, actor] : self->state.pods)
      if (actor.address() == exit.source) return;
    self->quit(exit.reason);
  });
  self->request(store, std::chrono::seconds(10), watch_atom::value,
                watch_request{"Pod", "", "", "spec.nodeName=" + self->state.settings.node_name, std::nullopt, true}, caf::actor_cast<change_listener>(self))
      .then([](const store_result&) {}, [self](const caf::error& error) { self->quit(error); });
  self->delayed_send(self, settings.resync_period, resync_atom::value);
  return {
      [self](const change_event& event) { on_pod_change(self, event); },
      [self](const podman::container_event& event) { on_container_event(self, event); },
      [self](resync_atom) {
        resync(self);
        self->delayed_send(self, self->state.settings.resync_period, resync_atom::value);
      },
  };
}

}  // namespace

pod_supervisor_actor spawn_pod_supervisor(caf::actor_system& system, store_actor store, runtime_actor runtime,
                                          pod_supervisor_settings settings) {
  return system.spawn(supervisor, std::move(store), std::move(runtime), std::move(settings));
}

}  // namespace orkest::actors
