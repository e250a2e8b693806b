#pragma once
// Watches over HTTP (`?watch=true`, `kubectl get -w`, informers): one small actor per stream
// subscribes to the store with itself as the change listener and writes each change as one
// line of newline-delimited JSON, {"type":"ADDED","object":{...}}, to a chunked response.
// It honours resourceVersion (resume; an expired one ends the stream with an ERROR event
// carrying a 410 Expired Status, as Kubernetes' watch cache does), allowWatchBookmarks
// (periodic BOOKMARK events, and one before a timeout), sendInitialEvents (ADDED for what
// exists, then a BOOKMARK annotated k8s.io/initial-events-end), timeoutSeconds, and Table
// output. It unsubscribes and ends when the client disconnects, the time is up, or the
// server stops.

#include <caf/actor_system.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "actors/store_actor.hpp"
#include "model/api_error.hpp"
#include "api/http_exchange.hpp"
#include "api/response_sink.hpp"
#include "api/route.hpp"
#include "api/table.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

struct watch_settings {
  std::chrono::milliseconds default_timeout{std::chrono::minutes(30)};  // without timeoutSeconds
  // The longest a watch lasts, whatever timeoutSeconds asks (api.watchTimeoutSeconds). It must
  // end before Pistache's keep-alive timeout, which drops the connection without telling
  // orkest (later writes could reach whichever connection gets the descriptor next); api_server
  // sets both.
  std::chrono::milliseconds max_timeout{std::chrono::hours(1)};
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(60)};
  std::chrono::milliseconds store_timeout{std::chrono::seconds(10)};  // for the subscription itself
};

struct watch_parameters {
  const resource_kind* kind = nullptr;
  store::watch_request request;  // kind, namespace, selectors, resume version, initial events
  bool bookmarks = false;         // allowWatchBookmarks
  bool initial_events_end = false;  // sendInitialEvents=true: a BOOKMARK marks where they end
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(60)};
  std::chrono::milliseconds store_timeout{std::chrono::seconds(10)};
  std::optional<table_options> table;  // as=Table: each object becomes a one-row Table
};

// Whether the request asks for a watch (?watch=true or ?watch=1).
bool is_watch_request(const http_request& request);

// The watch a request asks for; 400 for malformed query values.
std::variant<watch_parameters, api_error> watch_parameters_of(const http_request& request, const route& r,
                                                              const watch_settings& settings);

// One line of a watch stream (JSON and a newline).
std::string encode_watch_event(std::string_view type, const nlohmann::json& object);
// The object of a BOOKMARK event: only kind, apiVersion and metadata.resourceVersion.
nlohmann::json bookmark_object(const resource_kind& kind, uint64_t resource_version, bool initial_events_end);
// What a change looks like on the wire: the object itself or its one-row Table.
nlohmann::json watch_object(const watch_parameters& parameters, const nlohmann::json& object);

// Starts the stream's actor; it answers through `sink` (an error response, or the stream)
// and ends by itself.
caf::actor start_watch(caf::actor_system& system, actors::store_actor store, std::shared_ptr<response_sink> sink,
                       watch_parameters parameters);

}  // namespace orkest::api
