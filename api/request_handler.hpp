#pragma once
// Kubernetes API semantics over HTTP: turns one request into one store call and its result
// into a response (status code, Status errors, Warning headers). Holds no state of its own.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "api/bearer_token.hpp"
#include "api/http_exchange.hpp"
#include "api/log_stream.hpp"
#include "api/response_sink.hpp"
#include "api/store_client.hpp"
#include "api/watch_stream.hpp"

namespace orkest::api {

struct handler_settings {
  std::size_t max_body_bytes = 3 * 1024 * 1024;  // Kubernetes' own limit is 3 MiB
  // When set, every request but the health checks needs `Authorization: Bearer <token>`.
  std::string bearer_token;
  // Without bearer_token: the node agents' join token, checked when a request presents a token.
  std::string join_token;
  // A node agent's endpoint (its kubelet port): only pods' /log and the health checks are
  // served, anything else is 404.
  bool pod_logs_only = false;
  // /readyz is 503 while the store does not answer a ping within this.
  std::chrono::milliseconds readiness_deadline{1000};
  watch_settings watch;
};

class request_handler {
 public:
  // `logs`: where pod logs come from (the /log subresource is 404 without one).
  request_handler(store_client& store, handler_settings settings, std::optional<log_source> logs = std::nullopt)
      : store_(store), settings_(std::move(settings)), token_(settings_.bearer_token.empty() ? bearer_token(settings_.join_token, false)
                                                                           : bearer_token(settings_.bearer_token)), logs_(std::move(logs)) {}

  // Answers a request whose answer is one whole response. Streams (watch, following logs)
  // need the overload with a sink; here they get 406.
  http_response handle(const http_request& request);
  // Answers any request: returns the response, or nullopt when a stream took `sink` and answers
  // through it later (watches, `follow` logs).
  std::optional<http_response> handle(const http_request& request, const std::shared_ptr<response_sink>& sink);

 private:
  std::optional<http_response> dispatch(const http_request& request, const std::shared_ptr<response_sink>* sink);

  store_client& store_;
  handler_settings settings_;
  bearer_token token_;
  std::optional<log_source> logs_;
};

// Serialises a JSON body; invalid UTF-8 is replaced rather than thrown on.
std::string dump_json(const nlohmann::json& value);
http_response error_response(const api_error& error);
// The patch type a PATCH's Content-Type names; nullopt when unsupported (415).
std::optional<store::patch_type> patch_type_of(std::string_view content_type);

}  // namespace orkest::api
