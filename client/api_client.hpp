#pragma once
// The store's requests as calls to a Kubernetes API server over HTTP (libcurl): what a node
// agent uses where the server's own actors message the store. Each call blocks until the
// server answers (at most `timeout`) and gives the same store_result the store actor gives:
// the object, or the server's Status as an api_error. Not thread-safe: one client per thread.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "store/store_types.hpp"

namespace orkest::client {

struct api_endpoint {
  std::string server;  // "http://10.0.0.1:3000" (no trailing slash)
  std::string token;   // sent as "Authorization: Bearer <token>" when set
  std::chrono::milliseconds timeout{10000};
  std::string ca_file;  // https: the certificate (PEM) the server's must chain to; empty: the system's
};

// The URL path of a kind's collection, object or subresource ("/apis/apps/v1/namespaces/default/
// replicasets/web/scale"); empty for a kind orkest does not serve.
std::string resource_path(const std::string& kind, const std::string& ns, const std::string& name = {},
                          const std::string& subresource = {});

class api_client {
 public:
  explicit api_client(api_endpoint endpoint);
  ~api_client();
  api_client(const api_client&) = delete;
  api_client& operator=(const api_client&) = delete;

  store::store_result create(const std::string& kind, const std::string& ns, const nlohmann::json& body);
  store::store_result get(const store::object_key& key);
  store::store_result list(const store::list_request& request);
  store::store_result update(const store::object_key& key, const nlohmann::json& body);
  store::store_result update_status(const store::object_key& key, const nlohmann::json& body);
  store::store_result patch(const store::object_key& key, const store::patch_request& request);
  store::store_result remove(const store::object_key& key, const store::delete_options& options);
  store::store_result bind(const store::object_key& key, const nlohmann::json& binding);

  // Watches from `from_version`, handing each event to `on_event`, until the server ends the
  // watch (nullopt), `stop` is set (nullopt), or it fails (the error: 410 when the version is
  // too old, 503 when the server cannot be reached). Bookmarks only move `from_version`.
  std::optional<model::api_error> watch(const store::watch_request& request, uint64_t& from_version,
                                      const std::function<void(store::change_event)>& on_event,
                                      const std::atomic<bool>& stop);

  // GET of a text resource (a pod's log; `path` with its query, escaped): the body, or the
  // server's Status as the error.
  std::variant<std::string, model::api_error> get_text(const std::string& path);
  // GET of a text stream (a followed log): hands each piece of the body to `on_data` as it
  // arrives until the server ends it, `on_data` returns false, `stop` is set or `longest` has
  // passed (nullopt for each), or it fails (the error).
  std::optional<model::api_error> stream_text(const std::string& path, const std::function<bool(std::string_view)>& on_data,
                                            const std::atomic<bool>& stop, std::chrono::milliseconds longest);
  // Escapes one query value or path segment.
  std::string escape(const std::string& text);

 private:
  store::store_result call(const std::string& method, const std::string& path, const nlohmann::json* body,
                           const std::string& content_type = "application/json");

  api_endpoint endpoint_;
  void* curl_;  // CURL*
};

}  // namespace orkest::client
