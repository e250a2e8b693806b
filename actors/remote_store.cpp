#include "actors/remote_store.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>
#include <spdlog/spdlog.h>
#include <thread>

#include "model/json_access.hpp"

namespace orkest::actors {

namespace {

// One watch of one listener: a thread that keeps the listener's view of the objects current.
struct informer {
  watch_request request;
  change_listener listener;
  client::api_endpoint endpoint;
  std::map<std::string, json> known;  // by uid: what the listener was told exists
  uint64_t version = 0;
  bool listed = false;
  std::atomic<bool> stop{false};
  std::thread thread;
};

uint64_t version_of_list(const json& list) {
  try {
    return std::stoull(model::string_member(model::member_or_null(list, "metadata"), "resourceVersion"));
  } catch (const std::exception&) {
    return 0;
  }
}

std::string uid_of(const json& object) { return model::string_member(model::member_or_null(object, "metadata"), "uid"); }

void tell(informer& watch, change_type type, json object) {
  const auto uid = uid_of(object);
  if (type == change_type::deleted) watch.known.erase(uid);
  else watch.known[uid] = object;
  caf::anon_send(watch.listener, change_event{type, watch.request.kind, std::move(object), watch.version});
}

// A list replaces what the listener knows: new objects ADDED, changed ones MODIFIED, those
// gone DELETED (an informer's Replace).
bool relist(informer& watch, client::api_client& client) {
  auto listed = client.list({watch.request.kind, watch.request.ns, watch.request.label_selector, watch.request.field_selector});
  if (!listed.ok()) return false;
  watch.version = version_of_list(listed.object);
  std::map<std::string, json> seen;
  for (auto& item : listed.object["items"]) seen[uid_of(item)] = item;
  for (auto it = watch.known.begin(); it != watch.known.end();) {
    auto next = std::next(it);
    if (!seen.count(it->first)) tell(watch, change_type::deleted, it->second);
    it = next;
  }
  for (auto& [uid, item] : seen) {
    auto before = watch.known.find(uid);
    if (before == watch.known.end()) {
      if (watch.listed || watch.request.send_initial_events) tell(watch, change_type::added, item);
      else watch.known[uid] = item;
    } else if (before->second != item) {
      tell(watch, change_type::modified, item);
    }
  }
  watch.listed = true;
  return true;
}

void pause(const informer& watch, std::chrono::milliseconds duration) {
  for (auto waited = std::chrono::milliseconds(0); waited < duration && !watch.stop; waited += std::chrono::milliseconds(100))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

void run_informer(informer& watch) {
  client::api_client client(watch.endpoint);
  bool must_list = !watch.listed;
  while (!watch.stop) {
    if (must_list) {
      if (!relist(watch, client)) {
        pause(watch, std::chrono::seconds(1));
        continue;
      }
      must_list = false;
    }
    auto failed = client.watch(watch.request, watch.version,
                               [&watch](change_event event) {
                                 watch.version = std::max(watch.version, event.resource_version);
                                 tell(watch, event.type, std::move(event.object));
                               },
                               watch.stop);
    if (watch.stop) break;
    if (failed && failed->code == 410) {
      must_list = true;  // the server no longer has what happened since: list again
    } else if (failed) {
      spdlog::warn("watch of {}: {}; again in 1 s", watch.request.kind, failed->message);
      pause(watch, std::chrono::seconds(1));
    }
  }
}

struct remote_state {
  client::api_endpoint endpoint;
  std::unique_ptr<client::api_client> client;
  std::vector<std::unique_ptr<informer>> informers;

  void stop_where(const std::function<bool(const informer&)>& which) {
    for (auto& watch : informers)
      if (which(*watch)) watch->stop = true;
    for (auto it = informers.begin(); it != informers.end();) {
      if ((*it)->stop) {
        if ((*it)->thread.joinable()) (*it)->thread.join();
        it = informers.erase(it);
      } else {
        ++it;
      }
    }
  }
  ~remote_state() {
    stop_where([](const informer&) { return true; });
  }
  static inline const char* name = "remote-store";
};

using remote_pointer = store_actor::stateful_pointer<remote_state>;

// The listing is done here, before the reply, so the listener has every existing object when
// the watch is answered (as the store's own watch promises); a server that cannot be reached
// now is listed by the informer as soon as it can be.
store_result start_watch(remote_pointer self, const watch_request& request, const change_listener& listener) {
  auto watch = std::make_unique<informer>();
  watch->request = request;
  watch->listener = listener;
  watch->endpoint = self->state.endpoint;
  if (!relist(*watch, *self->state.client))
    spdlog::warn("listing {} from {} failed; the watch keeps trying", request.kind, self->state.endpoint.server);
  const auto version = watch->version;
  self->monitor(listener);
  informer* running = watch.get();
  watch->thread = std::thread([running] { run_informer(*running); });
  self->state.informers.push_back(std::move(watch));
  return store_result::success({{"resourceVersion", std::to_string(version)}});
}

store_actor::behavior_type remote_store(remote_pointer self, client::api_endpoint endpoint) {
  self->state.endpoint = endpoint;
  self->state.client = std::make_unique<client::api_client>(std::move(endpoint));
  self->set_down_handler([self](const caf::down_msg& down) {
    self->state.stop_where([&](const informer& watch) { return watch.listener.address() == down.source; });
  });
  auto& client = *self->state.client;
  return {
      [&client](create_atom, const std::string& kind, const std::string& ns, const json& body) {
        return client.create(kind, ns, body);
      },
      [&client](get_atom, const object_key& key) { return client.get(key); },
      [&client](list_atom, const list_request& request) { return client.list(request); },
      [&client](update_atom, const object_key& key, const json& body) { return client.update(key, body); },
      [&client](status_atom, const object_key& key, const json& body) { return client.update_status(key, body); },
      [&client](patch_atom, const object_key& key, const patch_request& request) { return client.patch(key, request); },
      [&client](delete_atom, const object_key& key, const delete_options& options) { return client.remove(key, options); },
      [&client](bind_atom, const object_key& key, const json& binding) { return client.bind(key, binding); },
      [self](watch_atom, const watch_request& request, const change_listener& listener) {
        return start_watch(self, request, listener);
      },
      [self](unwatch_atom, const change_listener& listener) {
        self->state.stop_where([&](const informer& watch) { return watch.listener == listener; });
      },
      [self](ping_atom) { return uint64_t{0}; },
  };
}

}  // namespace

store_actor spawn_remote_store(caf::actor_system& system, client::api_endpoint endpoint) {
  return system.spawn<caf::detached>(remote_store, std::move(endpoint));
}

}  // namespace orkest::actors
