#include "actors/store_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "model/object_filter.hpp"

namespace orkest::actors {

namespace {

// One subscription, with its filters compiled once.
struct watcher {
  change_listener listener;
  std::string kind;
  std::string ns;
  model::object_filter filter;
  // The store's version when it subscribed: what it was sent then includes every change up to
  // here, also those still waiting for their sync, which it must not get twice.
  uint64_t seen_through = 0;

  bool wants(const change_event& event) const {
    if (event.kind != kind) return false;
    if (!ns.empty() && event.object["metadata"]["namespace"] != ns) return false;
    return filter.matches(event.object);
  }
};

// Makes the backend's commits durable (fsync) on a thread of its own, so the store keeps
// committing while the disk works: the commits that arrive meanwhile share the next fsync.
using syncer_actor = caf::typed_actor<caf::replies_to<sync_atom>::with<bool>>;

syncer_actor::behavior_type syncer(syncer_actor::pointer, std::shared_ptr<store::storage_backend> backend) {
  return {[backend](sync_atom) { return backend->sync(); }};
}

// A write committed to the backend but not yet durable: its reply and its events wait.
struct unsynced_write {
  caf::typed_response_promise<store_result> reply;
  store_result result;
  std::vector<change_event> events;
};

struct store_state {
  store::object_store store;
  std::vector<watcher> watchers;
  syncer_actor syncer;                 // set when the backend needs sync()
  std::vector<unsynced_write> waiting;  // for the next sync
  bool syncing = false;
  static inline const char* name = "store";
};

using store_pointer = store_actor::stateful_pointer<store_state>;

void publish(store_pointer self, const std::vector<change_event>& events) {
  for (const auto& event : events)
    for (auto& w : self->state.watchers)
      if (event.resource_version > w.seen_through && w.wants(event)) self->send(w.listener, event);
}

void start_sync(store_pointer self);

// The writes that waited for this sync: their changes go to watchers, then their writers get
// their answers, so a writer that also watches sees its own change before the reply. A sync the
// disk refused fails them all: their changes are in the log but were never acknowledged.
void synced(store_pointer self, std::vector<unsynced_write> batch, bool durable) {
  for (auto& write : batch) {
    if (durable) {
      publish(self, write.events);
      write.reply.deliver(std::move(write.result));
    } else {
      write.reply.deliver(store_result::failure(
          model::internal_error("the change could not be made durable: the disk refused to sync the database")));
    }
  }
  self->state.syncing = false;
  if (!self->state.waiting.empty()) start_sync(self);
}

void start_sync(store_pointer self) {
  auto& st = self->state;
  st.syncing = true;
  auto batch = std::make_shared<std::vector<unsynced_write>>(std::move(st.waiting));
  st.waiting.clear();
  self->request(st.syncer, caf::infinite, sync_atom::value)
      .then([self, batch](bool durable) { synced(self, std::move(*batch), durable); },
            [self, batch](const caf::error&) { synced(self, std::move(*batch), false); });
}

// Answers a write: at once when its backend is durable on commit (or nothing was committed),
// else once the next sync has made it durable (group commit). Watchers see a change before its
// writer hears of it, and never before it is durable.
caf::typed_response_promise<store_result> finish_write(store_pointer self, store_result result) {
  auto& st = self->state;
  auto reply = self->make_response_promise<store_result>();
  auto events = st.store.take_events();
  if (!st.syncer || events.empty()) {
    publish(self, events);
    reply.deliver(std::move(result));
    return reply;
  }
  st.waiting.push_back({reply, std::move(result), std::move(events)});
  if (!st.syncing) start_sync(self);
  return reply;
}

store_result subscribe(store_pointer self, const watch_request& request, const change_listener& listener) {
  auto filter = model::object_filter::parse(request.label_selector, request.field_selector);
  if (auto* error = std::get_if<model::api_error>(&filter)) return store_result::failure(*error);
  watcher w{listener, request.kind, request.ns, std::move(std::get<model::object_filter>(filter)),
            self->state.store.resource_version()};

  auto& store = self->state.store;
  std::vector<change_event> replay;
  if (request.send_initial_events) {
    for (auto& object : store.objects(request.kind, request.ns)) {
      auto version = std::stoull(object["metadata"]["resourceVersion"].get<std::string>());
      replay.push_back({change_type::added, request.kind, std::move(object), version});
    }
  } else if (request.resource_version) {
    auto history = store.history_since(*request.resource_version, request.kind);
    if (auto* error = std::get_if<model::api_error>(&history)) return store_result::failure(*error);
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
                                          std::shared_ptr<store::storage_backend> backend, bool own_thread) {
  // The syncer blocks on the disk: a thread of its own, except on the deterministic test
  // scheduler, which runs every actor itself.
  if (backend && backend->needs_sync())
    self->state.syncer = own_thread ? self->spawn<caf::detached + caf::linked>(syncer, backend)
                                    : self->spawn<caf::linked>(syncer, backend);
  const auto loading = std::chrono::steady_clock::now();
  self->state.store = store::object_store(std::move(settings), std::move(hooks), std::move(backend));
  if (auto loaded = self->state.store.object_count())
    spdlog::info("store: {} objects loaded from storage in {} ms, resourceVersion {}", loaded,
                 std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - loading).count(),
                 self->state.store.resource_version());
  self->set_down_handler([self](const caf::down_msg& down) { drop_watcher(self, down.source); });
  return {
      [self](create_atom, const std::string& kind, const std::string& ns, json& body) {
        return finish_write(self, self->state.store.create(kind, ns, std::move(body)));
      },
      [self](get_atom, const object_key& key) { return self->state.store.get(key); },
      [self](list_atom, const list_request& request) { return self->state.store.list(request); },
      [self](update_atom, const object_key& key, json& body) {
        return finish_write(self, self->state.store.update(key, std::move(body)));
      },
      [self](status_atom, const object_key& key, json& body) {
        return finish_write(self, self->state.store.update_status(key, std::move(body)));
      },
      [self](patch_atom, const object_key& key, const patch_request& request) {
        return finish_write(self, self->state.store.patch(key, request));
      },
      [self](delete_atom, const object_key& key, const delete_options& options) {
        return finish_write(self, self->state.store.remove(key, options));
      },
      [self](bind_atom, const object_key& key, const json& binding) {
        return finish_write(self, self->state.store.bind(key, binding));
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
    return system.spawn<caf::detached>(store_behavior, std::move(settings), std::move(hooks), std::move(backend), true);
  return system.spawn(store_behavior, std::move(settings), std::move(hooks), std::move(backend), false);
}

}  // namespace orkest::actors
