#include "actors/event_recorder.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <deque>
#include <spdlog/spdlog.h>
#include <unordered_map>

#include "model/json_access.hpp"
#include "model/timestamp.hpp"

namespace orkest::actors {

namespace {

constexpr auto store_timeout = std::chrono::seconds(10);

// One aggregation key's Event: the last version written, and repeats that came while a write
// of it was out (folded into the next write, so one key never has two writes in flight).
struct recorded {
  json event;           // null until its creation is confirmed
  bool writing = false;
  int64_t waiting_repeats = 0;
  control::event_note note;
};

struct recorder_state {
  store_actor store;
  event_recorder_settings settings;
  std::unordered_map<std::string, recorded> by_key;
  std::deque<std::string> key_order;  // oldest first: the cache forgets beyond `limit` keys
  std::size_t stored_estimate = 0;    // events in the store: the last sweep's count plus creations since
  bool sweeping = false;
  uint64_t name_sequence = 0;
  static inline const char* name = "event-recorder";
};

using recorder_pointer = event_recorder::stateful_pointer<recorder_state>;

void write(recorder_pointer self, const std::string& key);
void sweep(recorder_pointer self);

// "<object>.<hex>", as client-go names events (it uses the time in nanoseconds).
std::string event_name(recorder_pointer self, const control::event_note& note) {
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  char hex[32];
  std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(nanos) + self->state.name_sequence++);
  auto base = model::string_member(note.involved, "name");
  // A name is at most 253 characters; the suffix has at most 17.
  if (base.size() > 235) base.resize(235);
  return base + "." + hex;
}

void remember(recorder_pointer self, const std::string& key) {
  auto& st = self->state;
  st.key_order.push_back(key);
  while (st.key_order.size() > st.settings.limit) {
    auto& oldest = st.key_order.front();
    auto it = st.by_key.find(oldest);
    if (it != st.by_key.end() && !it->second.writing) st.by_key.erase(it);
    st.key_order.pop_front();
  }
}

void written(recorder_pointer self, const std::string& key, const store::store_result& result, bool created) {
  auto& st = self->state;
  auto it = st.by_key.find(key);
  if (it == st.by_key.end()) return;
  auto& entry = it->second;
  entry.writing = false;
  if (result.ok()) {
    entry.event = result.object;
    if (created && ++st.stored_estimate > st.settings.limit) sweep(self);
  } else if (!created && result.error->code == 404) {
    entry.event = nullptr;  // swept away meanwhile: the next repeat starts a new event
    entry.waiting_repeats = std::max<int64_t>(entry.waiting_repeats, 1);
  } else {
    // Dropped rather than retried: an event is a report, and the next repeat writes it again.
    spdlog::debug("event {} not recorded: {}", entry.note.reason, result.error->message);
    if (entry.event.is_null()) {
      st.by_key.erase(it);
      return;
    }
  }
  if (entry.waiting_repeats > 0) write(self, key);
}

void write(recorder_pointer self, const std::string& key) {
  auto& st = self->state;
  auto& entry = st.by_key[key];
  entry.writing = true;
  const auto now = model::now_rfc3339();
  if (entry.event.is_null()) {
    auto event = control::new_event(entry.note, event_name(self, entry.note), now);
    if (entry.waiting_repeats > 1) event["count"] = entry.waiting_repeats;
    entry.waiting_repeats = 0;
    const auto ns = model::string_member(event["metadata"], "namespace");
    self->request(st.store, store_timeout, create_atom::value, std::string("Event"), ns, std::move(event))
        .then([self, key](const store::store_result& result) { written(self, key, result, true); },
              [self, key](const caf::error& error) {
                written(self, key, store::store_result::failure(model::internal_error(caf::to_string(error))), true);
              });
    return;
  }
  auto event = entry.event;
  for (int64_t i = 0; i < entry.waiting_repeats; ++i) event = control::repeated_event(std::move(event), now);
  entry.waiting_repeats = 0;
  event["metadata"].erase("resourceVersion");  // Events update unconditionally, as in Kubernetes
  const auto& metadata = event["metadata"];
  store::object_key target{"Event", model::string_member(metadata, "namespace"), model::string_member(metadata, "name")};
  self->request(st.store, store_timeout, update_atom::value, target, std::move(event))
      .then([self, key](const store::store_result& result) { written(self, key, result, false); },
            [self, key](const caf::error& error) {
              written(self, key, store::store_result::failure(model::internal_error(caf::to_string(error))), false);
            });
}

void sweep(recorder_pointer self) {
  auto& st = self->state;
  if (st.sweeping || !st.settings.sweeps) return;
  st.sweeping = true;
  self->request(st.store, store_timeout, list_atom::value, store::list_request{"Event", "", "", ""})
      .then(
          [self](const store::store_result& result) {
            auto& st = self->state;
            st.sweeping = false;
            if (!result.ok()) return;
            std::vector<json> events = model::member_or_null(result.object, "items").is_array()
                                           ? result.object["items"].get<std::vector<json>>()
                                           : std::vector<json>{};
            auto drops = control::events_to_drop(events, std::chrono::system_clock::now(), st.settings.ttl,
                                                 st.settings.limit);
            st.stored_estimate = events.size() - drops.size();
            if (!drops.empty()) spdlog::debug("events: dropping {} of {}", drops.size(), events.size());
            for (auto& [ns, name] : drops)
              self->request(st.store, store_timeout, delete_atom::value, store::object_key{"Event", ns, name},
                            store::delete_options{})
                  .then([](const store::store_result&) {}, [](const caf::error&) {});
          },
          [self](const caf::error&) { self->state.sweeping = false; });
}

event_recorder::behavior_type recorder(recorder_pointer self, store_actor store, event_recorder_settings settings) {
  self->state.store = std::move(store);
  self->state.settings = settings;
  self->send(self, sweep_atom::value);  // events an earlier run left
  return {
      [self](control::event_note& note) {
        auto& st = self->state;
        const auto key = control::aggregation_key(note);
        auto it = st.by_key.find(key);
        if (it == st.by_key.end()) {
          it = st.by_key.emplace(key, recorded{nullptr, false, 0, std::move(note)}).first;
          remember(self, key);
        }
        ++it->second.waiting_repeats;
        if (!it->second.writing) write(self, key);
      },
      [self](sweep_atom) {
        sweep(self);
        self->delayed_send(self, self->state.settings.sweep_period, sweep_atom::value);
      },
  };
}

}  // namespace

event_recorder spawn_event_recorder(caf::actor_system& system, store_actor store, event_recorder_settings settings) {
  return system.spawn(recorder, std::move(store), settings);
}

void record_event(const event_recorder& recorder, control::event_note note) {
  if (recorder) caf::anon_send(recorder, std::move(note));
}

}  // namespace orkest::actors
