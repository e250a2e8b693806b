#include "actors/node_heartbeat.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "model/json_access.hpp"

namespace orkest::actors {

namespace {

constexpr auto store_timeout = std::chrono::seconds(10);

struct heartbeat_state {
  store_actor store;
  node_heartbeat_settings settings;
  json last_status;  // as last posted: its conditions' transition times carry over
  static inline const char* name = "node-heartbeat";
};

using heartbeat_pointer = node_heartbeat_actor::stateful_pointer<heartbeat_state>;

object_key node_key(heartbeat_pointer self) { return {"Node", "", self->state.settings.node.name}; }

void register_node(heartbeat_pointer self);

// Posts the status; a Node that is gone (deleted by hand) is registered again.
void post_status(heartbeat_pointer self) {
  auto& st = self->state;
  json status = control::node_status(st.settings.node, st.last_status, st.settings.clock());
  self->request(st.store, store_timeout, status_atom::value, node_key(self), json{{"status", status}})
      .then(
          [self, status](const store_result& result) {
            if (result.ok()) {
              self->state.last_status = status;
              return;
            }
            if (result.error->code == 404) return register_node(self);
            spdlog::warn("node {}: posting its status failed: {}", self->state.settings.node.name, result.error->message);
          },
          [self](const caf::error& error) {
            spdlog::warn("node {}: posting its status failed: {}", self->state.settings.node.name, caf::to_string(error));
          });
}

// Creates the Node; one left by an earlier run keeps its spec (cordon, taints) and gets this
// run's labels and status.
void register_node(heartbeat_pointer self) {
  auto& st = self->state;
  json node = control::node_object(st.settings.node, st.settings.clock());
  json labels = node["metadata"]["labels"];
  self->request(st.store, store_timeout, create_atom::value, std::string{"Node"}, std::string{}, std::move(node))
      .then(
          [self, labels](const store_result& result) {
            if (result.ok()) {
              self->state.last_status = model::member_or_null(result.object, "status");
              spdlog::info("node {} registered", self->state.settings.node.name);
              return;
            }
            if (result.error->code != 409) {
              spdlog::warn("node {}: registering failed: {}", self->state.settings.node.name, result.error->message);
              return;
            }
            patch_request relabel{patch_type::merge, {{"metadata", {{"labels", labels}}}}, false};
            self->request(self->state.store, store_timeout, patch_atom::value, node_key(self), std::move(relabel))
                .then([self](const store_result& patched) {
                  if (patched.ok()) self->state.last_status = model::member_or_null(patched.object, "status");
                  post_status(self);
                }, [](const caf::error&) {});
          },
          [self](const caf::error& error) {
            spdlog::warn("node {}: registering failed: {}", self->state.settings.node.name, caf::to_string(error));
          });
}

// A merge patch of renewTime, or the whole Lease when there is none yet.
void renew_lease(heartbeat_pointer self) {
  auto& st = self->state;
  const auto& name = st.settings.node.name;
  json lease = control::node_lease(name, st.settings.lease_duration, st.settings.clock());
  patch_request renewal{patch_type::merge, {{"spec", lease["spec"]}}, false};
  self->request(st.store, store_timeout, patch_atom::value, object_key{"Lease", control::node_lease_namespace, name},
                std::move(renewal))
      .then(
          [self, lease](const store_result& result) mutable {
            if (result.ok() || result.error->code != 404) return;
            self->request(self->state.store, store_timeout, create_atom::value, std::string{"Lease"},
                          std::string{control::node_lease_namespace}, std::move(lease))
                .then([](const store_result&) {}, [](const caf::error&) {});
          },
          [](const caf::error&) {});
}

node_heartbeat_actor::behavior_type heartbeat(heartbeat_pointer self, store_actor store, node_heartbeat_settings settings) {
  self->state.store = std::move(store);
  self->state.settings = std::move(settings);
  register_node(self);
  renew_lease(self);
  self->delayed_send(self, self->state.settings.renew_period, renew_atom::value);
  self->delayed_send(self, self->state.settings.status_period, status_atom::value);
  return {
      [self](renew_atom) {
        renew_lease(self);
        self->delayed_send(self, self->state.settings.renew_period, renew_atom::value);
      },
      [self](status_atom) {
        post_status(self);
        self->delayed_send(self, self->state.settings.status_period, status_atom::value);
      },
  };
}

}  // namespace

node_heartbeat_actor spawn_node_heartbeat(caf::actor_system& system, store_actor store, node_heartbeat_settings settings) {
  return system.spawn(heartbeat, std::move(store), std::move(settings));
}

}  // namespace orkest::actors
