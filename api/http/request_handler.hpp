#pragma once
// Kubernetes API semantics over HTTP: turns one request into one store call and its result
// into a response (status code, Status errors, Warning headers). Holds no state of its own.

#include <cstddef>

#include "api/http/http_exchange.hpp"
#include "api/http/store_client.hpp"

namespace orkest::api::http {

struct handler_settings {
  std::size_t max_body_bytes = 3 * 1024 * 1024;  // Kubernetes' own limit is 3 MiB
};

class request_handler {
 public:
  request_handler(store_client& store, handler_settings settings) : store_(store), settings_(settings) {}

  http_response handle(const http_request& request);

 private:
  store_client& store_;
  handler_settings settings_;
};

// Serialises a JSON body; invalid UTF-8 is replaced rather than thrown on.
std::string dump_json(const nlohmann::json& value);
http_response error_response(const api_error& error);

}  // namespace orkest::api::http
