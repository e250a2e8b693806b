#pragma once
// The /log subresource of pods (`kubectl logs POD`, `kubectl logs -f POD`): which container's
// output a request means (pure, with Kubernetes' 400s for a container that is waiting to start
// or has no previous run), a one-shot read through the runtime actor, and following: a detached
// actor streams `podman logs --follow` into a chunked response until the container stops, the
// client disconnects or the server stops. A pod on another node is read from that node's agent,
// which answers the same request from its own runtime.

#include <caf/actor_system.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "actors/runtime_actor.hpp"
#include "model/api_error.hpp"
#include "api/http_exchange.hpp"
#include "api/response_sink.hpp"
#include "api/route.hpp"
#include "api/store_client.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

// Where logs come from.
struct log_source {
  actors::runtime_actor runtime;                         // one-shot reads, on the runtime's workers
  std::shared_ptr<podman::container_runtime> streaming;  // following: blocks, so on its own thread
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  // The longest a follow lasts, for the reason a watch has one (watch_settings::max_timeout).
  std::chrono::milliseconds longest_follow{std::chrono::hours(1)};
  // Follows at once: each holds a thread and a `podman logs` child; more get 429.
  std::size_t max_follows = 64;
  std::shared_ptr<std::atomic<std::size_t>> following = std::make_shared<std::atomic<std::size_t>>(0);
  // This machine's node. A pod bound to another node is read from that node's agent (its
  // InternalIP, port status.daemonEndpoints.kubeletEndpoint.Port) with node_token, as the
  // apiserver asks a kubelet; empty: every pod is read here.
  std::string node_name;
  std::string node_token;
};

// The query of a log request: container, follow, previous, timestamps, tailLines,
// sinceSeconds, sinceTime, limitBytes.
struct log_parameters {
  std::string container;
  bool follow = false;
  bool previous = false;
  bool timestamps = false;
  std::optional<int> tail_lines;
  std::optional<int> since_seconds;
  std::string since_time;
  std::optional<int64_t> limit_bytes;
};

std::variant<log_parameters, api_error> log_parameters_of(const http_request& request);

// The container to read and how: the current container, or with `previous` the run before it.
struct log_target {
  std::string container_name;  // the pod's container, by its name in the spec
  std::string container_id;
  podman::log_options options;
};

// Which container output the request means, from the pod object; Kubernetes' 400s otherwise.
std::variant<log_target, api_error> log_target_of(const nlohmann::json& pod, const log_parameters& parameters);

// GET /api/v1/namespaces/{ns}/pods/{name}/log. Returns the response, or nullopt when a
// followed stream took `sink` (only when one is given).
std::optional<http_response> log_request(store_client& store, const log_source& logs, const http_request& request,
                                         const route& r, const std::shared_ptr<response_sink>* sink);

}  // namespace orkest::api
