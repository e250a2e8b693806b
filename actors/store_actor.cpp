#include "actors/store_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "api/object_filter.hpp"

namespace orkest::actors {

namespace {

// One subscription, with its filters compiled once.
struct watcher {
  change_listener listener;
  std::string kind;
  std::string ns;
  api::object_filter filter;

  bool wants(const change_event& event) const {
    if (event.kind != kind) return false;
    if (!ns.empty() && event.object["metadata"]["namespace"] != ns) return false;
    return filter.matches(event.object);
  }
};

struct store_state {
  store::object_store store;
  std::vector<watcher> watchers;
  static inline const char* name = "store";
};

using store_pointer = store_actor::stateful_pointer<store_state>;

// Pushes what the last write committed to everyone watching it, then answers the writer, so
// a writer that also watches sees its own change before the reply.
store_result publish(store_pointer self, store_result result) {
  for (auto& event : self->state.store.take_events())
    for (auto& w : self->state.watchers)
      if (w.wants(event)) self->send(w.listener, event);
  return result;
}

store_result subscribe(store_pointer self, const watch_request& request, const change_listener& listener) {
  auto filter = api::object_filter::parse(request.label_selector, request.field_selector);
  if (auto* error = std::get_if<api::api_error>(&filter)) return store_result::failure(*error);
  watcher w{listener, request.kind, request.ns, std::move(std::get<api::object_filter>(filter))};

  auto& store = self->state.store;
  std::vector<change_event> replay;
  if (request.send_initial_events) {
    for (auto& object : store.objects(request.kind, request.ns)) {
      auto version = std::stoull(object["metadata"]["resourceVersion"].get<std::string>());
      replay.push_back({change_type::added, request.kind, std::move(object), version});
    }
  } else if (request.resource_version) {
    auto history = store.history_since(*request.resource_version, request.kind);
    if (auto* error = std::get_if<api::api_error>(&history)) return store_result::failure(*error);
    replay = std::move(std::get<std::vector<change_event>>(history));
  }
  for (auto& event : replay)
    if (w.wants(event)) self->send(listener, event);
  self->monitor(listener);
  self->state.watchers.push_back(std::move(w));
  return store_result::success({{"resourceVersion", std::to_string(store.resource_version())}});
}

void drop_watcher(store_pointer self, const caf::actor_addr& address) {
  auto& watchers = self->state.watchers;
  watchers.erase(std::remove_if(watchers.begin(), watchers.end(),
                                [&](const watcher& w) { return w.listener.address() == address; }),
                 watchers.end());
}

store_actor::behavior_type store_behavior(store_pointer self, store::object_store_settings settings,
                                          store::object_store_hooks hooks,
                                          std::shared_ptr<store::storage_backend> backend) {
  self->state.store = store::object_store(std::move(settings), std::move(hooks), std::move(backend));
  self->set_down_handler([self](const caf::down_msg& down) { drop_watcher(self, down.source); });
  return {
      [self](create_atom, const std::string& kind, const std::string& ns, json& body) {
        return publish(self, self->state.store.create(kind, ns, std::move(body)));
      },
      [self](get_atom, const object_key& key) { return self->state.store.get(key); },
      [self](list_atom, const list_request& request) { return self->state.store.list(request); },
      [self](update_atom, const object_key& key, json& body) {
        return publish(self, self->state.store.update(key, std::move(body)));
      },
      [self](status_atom, const object_key& key, json& body) {
        return publish(self, self->state.store.update_status(key, std::move(body)));
      },
      [self](patch_atom, const object_key& key, const patch_request& request) {
        return publish(self, self->state.store.patch(key, request));
      },
      [self](delete_atom, const object_key& key, const delete_options& options) {
        return publish(self, self->state.store.remove(key, options));
      },
      [self](watch_atom, const watch_request& request, const change_listener& listener) {
        return subscribe(self, request, listener);
      },
      [self](unwatch_atom, const change_listener& listener) { drop_watcher(self, listener.address()); },
      [self](ping_atom) { return self->state.store.resource_version(); },
  };
}

}  // namespace

store_actor spawn_store(caf::actor_system& system, store::object_store_settings settings, store::object_store_hooks hooks,
                        std::shared_ptr<store::storage_backend> backend, bool own_thread) {
  if (own_thread)
    return system.spawn<caf::detached>(store_behavior, std::move(settings), std::move(hooks), std::move(backend));
  return system.spawn(store_behavior, std::move(settings), std::move(hooks), std::move(backend));
}

}  // namespace orkest::actors
