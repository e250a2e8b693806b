#include "model/api_error.hpp"

#include "model/field_error.hpp"

namespace orkest::model {
namespace {

using nlohmann::json;

// Kubernetes' GroupResource.String(): "pods", "replicasets.apps".
std::string qualified(const std::string& name, const std::string& group) {
  return group.empty() ? name : name + "." + group;
}

// Names and media types come from URLs and headers: bytes that are not UTF-8 are replaced (U+FFFD)
// rather than thrown on, so a hostile name still gets its 4xx.
std::string quoted(const std::string& text) { return json(text).dump(-1, ' ', false, json::error_handler_t::replace); }

api_error make(int code, std::string reason, std::string message) {
  api_error error;
  error.code = code;
  error.reason = std::move(reason);
  error.message = std::move(message);
  return error;
}

api_error about_resource(int code, std::string reason, std::string message, const std::string& resource,
                         const std::string& group, const std::string& name) {
  api_error error = make(code, std::move(reason), std::move(message));
  error.kind = resource;
  error.group = group;
  error.name = name;
  return error;
}

void put_if_set(json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = value;
}

}  // namespace

json to_status_json(const api_error& error) {
  json status = {{"kind", "Status"},    {"apiVersion", "v1"},       {"metadata", json::object()},
                 {"status", "Failure"}, {"message", error.message}, {"reason", error.reason},
                 {"code", error.code}};
  json details = json::object();
  put_if_set(details, "name", error.name);
  put_if_set(details, "group", error.group);
  put_if_set(details, "kind", error.kind);
  if (!error.causes.empty()) {
    json causes = json::array();
    for (const auto& cause : error.causes) {
      json entry = json::object();
      put_if_set(entry, "reason", cause.reason);
      put_if_set(entry, "message", cause.message);
      put_if_set(entry, "field", cause.field);
      causes.push_back(std::move(entry));
    }
    details["causes"] = std::move(causes);
  }
  if (error.retry_after_seconds > 0) details["retryAfterSeconds"] = error.retry_after_seconds;
  if (!details.empty()) status["details"] = std::move(details);
  return status;
}

json success_status(const std::string& message) {
  json status = {
      {"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Success"}, {"code", 200}};
  if (!message.empty()) status["message"] = message;
  return status;
}

api_error bad_request(const std::string& message) { return make(400, "BadRequest", message); }

api_error not_found(const std::string& resource, const std::string& group, const std::string& name) {
  return about_resource(404, "NotFound", qualified(resource, group) + " " + quoted(name) + " not found", resource,
                        group, name);
}

api_error already_exists(const std::string& resource, const std::string& group, const std::string& name) {
  return about_resource(409, "AlreadyExists", qualified(resource, group) + " " + quoted(name) + " already exists",
                        resource, group, name);
}

api_error conflict(const std::string& resource, const std::string& group, const std::string& name,
                   const std::string& why) {
  return about_resource(
      409, "Conflict",
      "Operation cannot be fulfilled on " + qualified(resource, group) + " " + quoted(name) + ": " + why, resource,
      group, name);
}

api_error invalid(const std::string& kind, const std::string& group, const std::string& name,
                  std::vector<status_cause> causes) {
  // Kubernetes names the kind with its group: `Pod "x" is invalid`, `ReplicaSet.apps "x" is invalid`.
  std::string message = qualified(kind, group) + " " + quoted(name) + " is invalid";
  if (!causes.empty()) message += ": " + field_error::to_string(causes);
  api_error error = about_resource(422, "Invalid", std::move(message), kind, group, name);
  error.causes = std::move(causes);
  return error;
}

api_error forbidden(const std::string& resource, const std::string& group, const std::string& name,
                    const std::string& why) {
  return about_resource(403, "Forbidden", qualified(resource, group) + " " + quoted(name) + " is forbidden: " + why,
                        resource, group, name);
}

api_error method_not_allowed(const std::string& message) { return make(405, "MethodNotAllowed", message); }

api_error too_many_requests(const std::string& message) {
  api_error error = make(429, "TooManyRequests", message);
  error.retry_after_seconds = 1;
  return error;
}

api_error unsupported_media_type(const std::string& content_type) {
  return make(415, "UnsupportedMediaType",
              "the body of the request was in an unknown format (" + quoted(content_type) +
                  ") - accepted media types include: application/json, application/yaml, "
                  "application/vnd.kubernetes.protobuf");
}

api_error not_acceptable(const std::string& message) { return make(406, "NotAcceptable", message); }

api_error request_entity_too_large(std::size_t limit_bytes) {
  return make(413, "RequestEntityTooLarge", "Request entity too large: limit is " + std::to_string(limit_bytes));
}

api_error gone(const std::string& message) { return make(410, "Gone", message); }

api_error timeout(const std::string& message) { return make(504, "Timeout", "Timeout: " + message); }

api_error internal_error(const std::string& message) {
  api_error error = make(500, "InternalError", "Internal error occurred: " + message);
  error.causes.push_back({"", "", message});
  return error;
}

api_error unauthorized() { return make(401, "Unauthorized", "Unauthorized"); }

}  // namespace orkest::model
