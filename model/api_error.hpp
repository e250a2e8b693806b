#pragma once
// Kubernetes-shaped API errors. Every failure a client can see is one of these, rendered as a
// `Status` object (kind: Status, status: Failure, reason, code, details.causes).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace orkest::model {

// One bad field, as in Status.details.causes: {reason: FieldValueRequired, field:
// spec.containers[0].image, message: "Required value"}.
struct status_cause {
  std::string reason;  // FieldValueRequired | FieldValueInvalid | FieldValueNotSupported |
                       // FieldValueDuplicate | FieldValueTooLong | FieldValueForbidden |
                       // FieldValueTypeInvalid
  std::string field;
  std::string message;
};

struct api_error {
  int code = 500;
  std::string reason;   // BadRequest | NotFound | AlreadyExists | Conflict | Invalid | ...
  std::string message;  // the whole sentence a user reads
  std::string kind;     // details.kind (lower-case plural's singular, as Kubernetes: "pods")
  std::string name;     // details.name
  std::string group;    // details.group ("" or "apps")
  std::vector<status_cause> causes;
  int retry_after_seconds = 0;  // details.retryAfterSeconds and a Retry-After header when set
};

nlohmann::json to_status_json(const api_error& error);
// A successful Status (used for DELETE of collections and the like).
nlohmann::json success_status(const std::string& message = {});

// Constructors named after Kubernetes' reasons. `resource` is the plural resource name
// ("pods"), `group` its API group ("" or "apps").
api_error bad_request(const std::string& message);
api_error not_found(const std::string& resource, const std::string& group, const std::string& name);
api_error already_exists(const std::string& resource, const std::string& group, const std::string& name);
api_error conflict(const std::string& resource, const std::string& group, const std::string& name,
                   const std::string& why);
// 422: message is built as Kubernetes does: `Pod "x" is invalid: [field: message, ...]`.
api_error invalid(const std::string& kind, const std::string& group, const std::string& name,
                  std::vector<status_cause> causes);
// 403, as Kubernetes words a refused admission: `pods "x" is forbidden: <why>`.
api_error forbidden(const std::string& resource, const std::string& group, const std::string& name,
                    const std::string& why);
api_error method_not_allowed(const std::string& message);
// 429, as Kubernetes' max-in-flight filter: the client should retry after a second.
api_error too_many_requests(const std::string& message);
api_error unsupported_media_type(const std::string& content_type);
// 406: nothing the client accepts can be produced.
api_error not_acceptable(const std::string& message);
api_error request_entity_too_large(std::size_t limit_bytes);
api_error gone(const std::string& message);
api_error timeout(const std::string& message);          // 504 Timeout
api_error internal_error(const std::string& message);   // 500 InternalError
api_error unauthorized();

}  // namespace orkest::model
