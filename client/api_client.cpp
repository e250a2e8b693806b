#include "client/api_client.hpp"

#include <curl/curl.h>

#include <mutex>

#include "model/json_access.hpp"
#include "model/resource_kind.hpp"

namespace orkest::client {

using nlohmann::json;
using store::store_result;

namespace {

CURL* handle_of(void* curl) { return static_cast<CURL*>(curl); }

std::size_t collect(char* data, std::size_t size, std::size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

// The server's Status as an api_error; a body that is no Status still keeps its code and text.
model::api_error error_of(long code, const std::string& body) {
  model::api_error error;
  error.code = static_cast<int>(code);
  auto status = json::parse(body, nullptr, false);
  if (!status.is_object()) {
    error.reason = code == 404 ? "NotFound" : "InternalError";
    error.message = body.empty() ? "the server answered " + std::to_string(code) : body;
    return error;
  }
  error.reason = model::string_member(status, "reason");
  error.message = model::string_member(status, "message");
  const json& details = model::member_or_null(status, "details");
  error.name = model::string_member(details, "name");
  error.kind = model::string_member(details, "kind");
  error.group = model::string_member(details, "group");
  const json& causes = model::member_or_null(details, "causes");
  if (causes.is_array())
    for (const auto& cause : causes)
      error.causes.push_back({model::string_member(cause, "reason"), model::string_member(cause, "field"),
                              model::string_member(cause, "message")});
  return error;
}

model::api_error unreachable(const std::string& server, CURLcode code) {
  if (code == CURLE_OPERATION_TIMEDOUT)
    return model::timeout("the API server at " + server + " did not answer in time");
  model::api_error error;
  error.code = 503;
  error.reason = "ServiceUnavailable";
  error.message = "cannot reach the API server at " + server + ": " + curl_easy_strerror(code);
  return error;
}

// What every request sets: the URL, the headers (Accept, the token, `extra` when given), no
// signals, 5 s to connect, the server's CA. Returns the header list, to free after the transfer.
curl_slist* prepare(CURL* curl, const api_endpoint& endpoint, const std::string& url, const char* accept,
                    const std::string& extra = {}) {
  curl_slist* headers = curl_slist_append(nullptr, (std::string("Accept: ") + accept).c_str());
  if (!extra.empty()) headers = curl_slist_append(headers, extra.c_str());
  if (!endpoint.token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + endpoint.token).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  if (!endpoint.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, endpoint.ca_file.c_str());
  return headers;
}

// For streams: a server that vanished without closing the connection is noticed by TCP keep-alive.
void keep_alive(CURL* curl) {
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPIDLE, 5L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPINTVL, 2L);
}

const char* content_type_of(store::patch_type type) {
  switch (type) {
    case store::patch_type::merge: return "application/merge-patch+json";
    case store::patch_type::json_patch: return "application/json-patch+json";
    case store::patch_type::strategic_merge: return "application/strategic-merge-patch+json";
  }
  return "application/merge-patch+json";
}

// What a watch's write callback works with: the bytes of an unfinished line, and where events go.
struct watch_stream {
  std::string pending;
  const std::function<void(store::change_event)>* on_event = nullptr;
  const std::atomic<bool>* stop = nullptr;
  std::string kind;
  uint64_t* version = nullptr;
  std::optional<model::api_error> failure;
};

// One line of a watch: {"type": ..., "object": ...}.
void take_line(watch_stream& stream, const std::string& line) {
  auto event = json::parse(line, nullptr, false);
  if (!event.is_object()) return;
  const auto type = model::string_member(event, "type");
  json& object = event["object"];
  if (type == "ERROR") {
    stream.failure = error_of(object.value("code", 500), object.dump());
    return;
  }
  const auto version_text = model::string_member(model::member_or_null(object, "metadata"), "resourceVersion");
  uint64_t version = 0;
  try {
    version = version_text.empty() ? 0 : std::stoull(version_text);
  } catch (const std::exception&) {
  }
  if (version > *stream.version) *stream.version = version;
  if (type == "BOOKMARK") return;
  store::change_event change;
  change.type = type == "ADDED" ? store::change_type::added
                : type == "DELETED" ? store::change_type::deleted
                                    : store::change_type::modified;
  change.kind = stream.kind;
  change.object = std::move(object);
  change.resource_version = version;
  (*stream.on_event)(std::move(change));
}

std::size_t take_watch_bytes(char* data, std::size_t size, std::size_t count, void* target) {
  auto& stream = *static_cast<watch_stream*>(target);
  if (stream.stop->load() || stream.failure) return 0;  // ends the transfer
  stream.pending.append(data, size * count);
  std::size_t start = 0;
  for (auto end = stream.pending.find('\n'); end != std::string::npos; end = stream.pending.find('\n', start)) {
    if (end > start) take_line(stream, stream.pending.substr(start, end - start));
    start = end + 1;
  }
  stream.pending.erase(0, start);
  return size * count;
}

// Called about once a second during a transfer, also an idle one: a set `stop` ends it.
int check_stop(void* target, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<watch_stream*>(target)->stop->load() ? 1 : 0;
}

// What a text stream's write callback works with.
struct text_stream {
  CURL* curl = nullptr;
  const std::function<bool(std::string_view)>* on_data = nullptr;
  const std::atomic<bool>* stop = nullptr;
  std::string error_body;  // the body of an answer that is no success: its Status
};

std::size_t take_text_bytes(char* data, std::size_t size, std::size_t count, void* target) {
  auto& stream = *static_cast<text_stream*>(target);
  if (stream.stop->load()) return 0;  // ends the transfer
  long code = 0;
  curl_easy_getinfo(stream.curl, CURLINFO_RESPONSE_CODE, &code);
  if (code < 200 || code >= 300) {
    stream.error_body.append(data, size * count);
    return size * count;
  }
  return (*stream.on_data)(std::string_view(data, size * count)) ? size * count : 0;
}

int check_text_stop(void* target, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<text_stream*>(target)->stop->load() ? 1 : 0;
}

}  // namespace

std::string resource_path(const std::string& kind_name, const std::string& ns, const std::string& name,
                          const std::string& subresource) {
  const model::resource_kind* kind = model::find_kind(kind_name);
  if (!kind) return {};
  std::string path = kind->group.empty() ? "/api/" + kind->version : "/apis/" + kind->group + "/" + kind->version;
  if (kind->namespaced && !ns.empty()) path += "/namespaces/" + ns;
  path += "/" + kind->plural;
  if (!name.empty()) path += "/" + name;
  if (!subresource.empty()) path += "/" + subresource;
  return path;
}

api_client::api_client(api_endpoint endpoint) : endpoint_(std::move(endpoint)) {
  static std::once_flag initialised;
  std::call_once(initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
}

api_client::~api_client() { curl_easy_cleanup(handle_of(curl_)); }

std::string api_client::escape(const std::string& text) {
  char* escaped = curl_easy_escape(handle_of(curl_), text.c_str(), static_cast<int>(text.size()));
  std::string result = escaped ? escaped : "";
  curl_free(escaped);
  return result;
}

store_result api_client::call(const std::string& method, const std::string& path, const json* body,
                              const std::string& content_type) {
  if (path.empty()) return store_result::failure(model::bad_request("orkest does not serve that kind"));
  CURL* curl = handle_of(curl_);
  curl_easy_reset(curl);
  const std::string url = endpoint_.server + path;
  std::string response, payload = body ? body->dump() : std::string{};
  curl_slist* headers =
      prepare(curl, endpoint_, url, "application/json", body ? "Content-Type: " + content_type : std::string{});
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(endpoint_.timeout.count()));
  if (body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  const CURLcode done = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (done != CURLE_OK) return store_result::failure(unreachable(endpoint_.server, done));
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  if (code < 200 || code >= 300) return store_result::failure(error_of(code, response));
  auto object = json::parse(response, nullptr, false);
  if (object.is_discarded()) return store_result::failure(model::internal_error("the API server's answer is not JSON"));
  return store_result::success(std::move(object));
}

store_result api_client::create(const std::string& kind, const std::string& ns, const json& body) {
  return call("POST", resource_path(kind, ns), &body);
}

store_result api_client::get(const store::object_key& key) {
  return call("GET", resource_path(key.kind, key.ns, key.name), nullptr);
}

store_result api_client::list(const store::list_request& request) {
  std::string path = resource_path(request.kind, request.ns), query;
  if (!request.label_selector.empty()) query += "&labelSelector=" + escape(request.label_selector);
  if (!request.field_selector.empty()) query += "&fieldSelector=" + escape(request.field_selector);
  if (!query.empty() && !path.empty()) path += "?" + query.substr(1);
  return call("GET", path, nullptr);
}

store_result api_client::update(const store::object_key& key, const json& body) {
  return call("PUT", resource_path(key.kind, key.ns, key.name), &body);
}

store_result api_client::update_status(const store::object_key& key, const json& body) {
  json object = body;
  // The server wants the object's identity in a PUT body.
  object["apiVersion"] = model::find_kind(key.kind) ? model::find_kind(key.kind)->api_version() : "";
  object["kind"] = key.kind;
  object["metadata"]["name"] = key.name;
  if (!key.ns.empty()) object["metadata"]["namespace"] = key.ns;
  return call("PUT", resource_path(key.kind, key.ns, key.name, "status"), &object);
}

store_result api_client::patch(const store::object_key& key, const store::patch_request& request) {
  return call("PATCH", resource_path(key.kind, key.ns, key.name, request.status_only ? "status" : ""), &request.patch,
              content_type_of(request.type));
}

store_result api_client::remove(const store::object_key& key, const store::delete_options& options) {
  json body = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  if (options.grace_period_seconds) body["gracePeriodSeconds"] = *options.grace_period_seconds;
  if (options.precondition_uid) body["preconditions"]["uid"] = *options.precondition_uid;
  if (options.precondition_resource_version) body["preconditions"]["resourceVersion"] = *options.precondition_resource_version;
  return call("DELETE", resource_path(key.kind, key.ns, key.name), &body);
}

store_result api_client::bind(const store::object_key& key, const json& binding) {
  return call("POST", resource_path(key.kind, key.ns, key.name, "binding"), &binding);
}

std::optional<model::api_error> api_client::watch(const store::watch_request& request, uint64_t& from_version,
                                                const std::function<void(store::change_event)>& on_event,
                                                const std::atomic<bool>& stop) {
  std::string path = resource_path(request.kind, request.ns);
  if (path.empty()) return model::bad_request("orkest does not serve kind " + request.kind);
  path += "?watch=1&allowWatchBookmarks=true&resourceVersion=" + std::to_string(from_version);
  if (!request.label_selector.empty()) path += "&labelSelector=" + escape(request.label_selector);
  if (!request.field_selector.empty()) path += "&fieldSelector=" + escape(request.field_selector);
  CURL* curl = handle_of(curl_);
  curl_easy_reset(curl);
  const std::string url = endpoint_.server + path;
  curl_slist* headers = prepare(curl, endpoint_, url, "application/json");
  keep_alive(curl);
  watch_stream stream;
  stream.on_event = &on_event;
  stream.stop = &stop;
  stream.kind = request.kind;
  stream.version = &from_version;
  // The server writes a bookmark every minute: a watch silent for 90 s is stalled.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 90L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, take_watch_bytes);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &stream);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, check_stop);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &stream);
  const CURLcode done = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (stream.failure) return stream.failure;
  if (stop.load()) return std::nullopt;
  if (done != CURLE_OK) return unreachable(endpoint_.server, done);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  if (code < 200 || code >= 300) return error_of(code, stream.pending);
  return std::nullopt;
}

std::variant<std::string, model::api_error> api_client::get_text(const std::string& path) {
  CURL* curl = handle_of(curl_);
  curl_easy_reset(curl);
  const std::string url = endpoint_.server + path;
  std::string response;
  curl_slist* headers = prepare(curl, endpoint_, url, "text/plain, application/json");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(endpoint_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  const CURLcode done = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (done != CURLE_OK) return unreachable(endpoint_.server, done);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  if (code < 200 || code >= 300) return error_of(code, response);
  return response;
}

std::optional<model::api_error> api_client::stream_text(const std::string& path,
                                                      const std::function<bool(std::string_view)>& on_data,
                                                      const std::atomic<bool>& stop, std::chrono::milliseconds longest) {
  CURL* curl = handle_of(curl_);
  curl_easy_reset(curl);
  const std::string url = endpoint_.server + path;
  curl_slist* headers = prepare(curl, endpoint_, url, "text/plain, application/json");
  keep_alive(curl);
  text_stream stream;
  stream.curl = curl;
  stream.on_data = &on_data;
  stream.stop = &stop;
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(longest.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, take_text_bytes);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &stream);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, check_text_stop);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &stream);
  const CURLcode done = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  if (code != 0 && (code < 200 || code >= 300)) return error_of(code, stream.error_body);
  // Ended by the reader, by `stop` or by `longest`: what was asked for.
  if (done == CURLE_OK || done == CURLE_WRITE_ERROR || done == CURLE_ABORTED_BY_CALLBACK ||
      (done == CURLE_OPERATION_TIMEDOUT && code != 0))
    return std::nullopt;
  return unreachable(endpoint_.server, done);
}

}  // namespace orkest::client
