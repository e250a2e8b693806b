#include "api/watch_stream.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <spdlog/spdlog.h>

#include <vector>

#include "api/request_handler.hpp"

namespace orkest::api {

using nlohmann::json;

namespace {

using closed_atom = caf::atom_constant<caf::atom("wclosed")>;
using timeout_atom = caf::atom_constant<caf::atom("wtimeout")>;
using bookmark_atom = caf::atom_constant<caf::atom("wbookmark")>;

// A label nobody sets: a list with it costs no copies and answers the store's current version.
constexpr const char* probe_selector = "orkest.io/watch-bookmark-probe";

std::optional<std::string> query_value(const http_request& request, const std::string& key) {
  auto it = request.query.find(key);
  if (it == request.query.end()) return std::nullopt;
  return it->second;
}

std::optional<bool> boolean_value(const std::string& text) {
  if (text == "true" || text == "1" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "0" || text == "False" || text == "FALSE" || text.empty()) return false;
  return std::nullopt;
}

std::optional<uint64_t> unsigned_value(const std::string& text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoull(text);
}

struct watch_state {
  std::shared_ptr<response_sink> sink;
  watch_parameters parameters;
  actors::store_actor store;
  bool streaming = false;
  std::vector<store::change_event> pending;  // arrived before the store confirmed the subscription
  uint64_t version = 0;                       // every change up to here has been written
  static inline const char* name = "watch_stream";
};

using watch_actor = caf::stateful_actor<watch_state>;

void finish(watch_actor* self) {
  self->send(self->state.store, actors::unwatch_atom::value, caf::actor_cast<actors::change_listener>(self));
  self->quit();
}

bool write_line(watch_actor* self, std::string_view type, const json& object) {
  if (self->state.sink->write(encode_watch_event(type, object))) return true;
  finish(self);
  return false;
}

bool write_change(watch_actor* self, const store::change_event& event) {
  auto& state = self->state;
  state.version = std::max(state.version, event.resource_version);
  return write_line(self, store::to_string(event.type), watch_object(state.parameters, event.object));
}

bool write_bookmark(watch_actor* self, bool initial_events_end = false) {
  auto& state = self->state;
  return write_line(self, "BOOKMARK", bookmark_object(*state.parameters.kind, state.version, initial_events_end));
}

void schedule_bookmark(watch_actor* self) {
  if (self->state.parameters.bookmarks)
    self->delayed_send(self, self->state.parameters.bookmark_interval, bookmark_atom::value);
}

void subscribed(watch_actor* self, const store::store_result& reply) {
  auto& state = self->state;
  if (!reply.ok()) {
    if (reply.error->code == 410) {
      // Kubernetes' watch cache answers 200 and ends the stream with the Status as an event,
      // reason Expired (what client-go's reflectors look for before they list again).
      auto expired = *reply.error;
      expired.reason = "Expired";
      if (state.sink->begin_stream(200, "application/json"))
        if (state.sink->write(encode_watch_event("ERROR", to_status_json(expired)))) state.sink->end();
    } else {
      state.sink->send(error_response(*reply.error));
    }
    finish(self);
    return;
  }
  const auto& version = reply.object.value("resourceVersion", "");
  if (auto parsed = unsigned_value(version)) state.version = std::max(state.version, *parsed);
  if (!state.sink->begin_stream(200, "application/json")) {
    finish(self);
    return;
  }
  state.streaming = true;
  auto pending = std::move(state.pending);
  state.pending.clear();
  for (const auto& event : pending)
    if (!write_change(self, event)) return;
  if (state.parameters.initial_events_end && !write_bookmark(self, true)) return;
  self->delayed_send(self, state.parameters.timeout, timeout_atom::value);
  schedule_bookmark(self);
}

caf::behavior watch_behavior(watch_actor* self, actors::store_actor store, std::shared_ptr<response_sink> sink,
                             watch_parameters parameters) {
  auto& state = self->state;
  state.sink = std::move(sink);
  state.parameters = std::move(parameters);
  state.store = store;
  caf::actor_addr address = self->address();
  state.sink->on_close([address] {
    if (auto strong = caf::actor_cast<caf::actor>(address)) caf::anon_send(strong, closed_atom::value);
  });
  auto listener = caf::actor_cast<actors::change_listener>(self);
  self->request(store, state.parameters.store_timeout, actors::watch_atom::value, state.parameters.request, listener)
      .then([self](store::store_result& reply) { subscribed(self, reply); },
            [self](caf::error& error) {
              auto message = error == caf::sec::request_timeout
                                 ? std::string("request did not complete within the allowed duration")
                                 : caf::to_string(error);
              self->state.sink->send(error_response(error == caf::sec::request_timeout ? timeout(message)
                                                                                        : internal_error(message)));
              finish(self);
            });
  return {
      [self](store::change_event& event) {
        if (!self->state.streaming) self->state.pending.push_back(std::move(event));
        else write_change(self, event);
      },
      [self](timeout_atom) {
        if (self->state.parameters.bookmarks && !write_bookmark(self)) return;
        self->state.sink->end();
        finish(self);
      },
      [self](bookmark_atom) {
        auto& state = self->state;
        store::list_request probe{state.parameters.request.kind, state.parameters.request.ns, probe_selector, ""};
        self->request(state.store, state.parameters.store_timeout, actors::list_atom::value, std::move(probe))
            .then(
                [self](store::store_result& reply) {
                  if (reply.ok())
                    if (auto parsed =
                            unsigned_value(reply.object["metadata"].value("resourceVersion", std::string())))
                      self->state.version = std::max(self->state.version, *parsed);
                  if (write_bookmark(self)) schedule_bookmark(self);
                },
                [self](caf::error&) { schedule_bookmark(self); });
      },
      [self](closed_atom) { finish(self); },
  };
}

}  // namespace

bool is_watch_request(const http_request& request) {
  auto watch = query_value(request, "watch");
  return watch && boolean_value(*watch).value_or(false);
}

std::variant<watch_parameters, api_error> watch_parameters_of(const http_request& request, const route& r,
                                                              const watch_settings& settings) {
  watch_parameters parameters;
  parameters.kind = r.kind;
  parameters.request.kind = r.kind->kind;
  parameters.request.ns = r.ns;
  parameters.request.label_selector = query_value(request, "labelSelector").value_or("");
  parameters.request.field_selector = query_value(request, "fieldSelector").value_or("");
  parameters.bookmark_interval = settings.bookmark_interval;
  parameters.store_timeout = settings.store_timeout;

  auto flag = [&](const char* name) -> std::variant<std::optional<bool>, api_error> {
    auto value = query_value(request, name);
    if (!value) return std::optional<bool>{};
    auto parsed = boolean_value(*value);
    if (!parsed) return bad_request(std::string(name) + ": invalid value \"" + *value + "\": must be true or false");
    return parsed;
  };
  auto bookmarks = flag("allowWatchBookmarks");
  if (auto* error = std::get_if<api_error>(&bookmarks)) return *error;
  parameters.bookmarks = std::get<std::optional<bool>>(bookmarks).value_or(false);
  auto initial = flag("sendInitialEvents");
  if (auto* error = std::get_if<api_error>(&initial)) return *error;
  auto send_initial = std::get<std::optional<bool>>(initial);

  // Unset or "0": the current state as ADDED events first, then changes. A version: the
  // changes after it.
  auto version = query_value(request, "resourceVersion").value_or("");
  if (version.empty() || version == "0") {
    parameters.request.send_initial_events = send_initial.value_or(true);
  } else {
    auto parsed = unsigned_value(version);
    if (!parsed) return bad_request("resourceVersion: invalid value \"" + version + "\": must be a resource version");
    if (send_initial.value_or(false)) parameters.request.send_initial_events = true;
    else parameters.request.resource_version = *parsed;
  }
  parameters.initial_events_end = send_initial.value_or(false);
  if (parameters.initial_events_end) parameters.bookmarks = true;

  parameters.timeout = settings.default_timeout;
  if (auto timeout = query_value(request, "timeoutSeconds")) {
    auto seconds = unsigned_value(*timeout);
    if (!seconds) return bad_request("timeoutSeconds: invalid value \"" + *timeout + "\": must be a non-negative integer");
    if (*seconds > 0) parameters.timeout = std::chrono::seconds(*seconds);
  }
  parameters.timeout = std::min(parameters.timeout, settings.max_timeout);

  if (auto version = table_version_wanted(request.accept)) {
    auto include = parse_include_object(query_value(request, "includeObject").value_or(""));
    if (!include) return bad_request("includeObject: unsupported value: use None, Metadata or Object");
    table_options options;
    options.api_version = *version;
    options.include = *include;
    parameters.table = options;
  }
  return parameters;
}

std::string encode_watch_event(std::string_view type, const json& object) {
  // Kubernetes' field order: type first.
  return "{\"type\":" + dump_json(std::string(type)) + ",\"object\":" + dump_json(object) + "}\n";
}

json bookmark_object(const resource_kind& kind, uint64_t resource_version, bool initial_events_end) {
  json metadata = {{"resourceVersion", std::to_string(resource_version)}};
  if (initial_events_end) metadata["annotations"] = {{"k8s.io/initial-events-end", "true"}};
  return {{"kind", kind.kind}, {"apiVersion", kind.api_version()}, {"metadata", metadata}};
}

json watch_object(const watch_parameters& parameters, const json& object) {
  if (!parameters.table) return object;
  auto options = *parameters.table;
  options.now = std::chrono::system_clock::now();
  return to_table(*parameters.kind, object, options);
}

caf::actor start_watch(caf::actor_system& system, actors::store_actor store, std::shared_ptr<response_sink> sink,
                       watch_parameters parameters) {
  return system.spawn(watch_behavior, std::move(store), std::move(sink), std::move(parameters));
}

}  // namespace orkest::api
