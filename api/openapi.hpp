#pragma once
// The OpenAPI v3 documents kubectl reads before it writes (/openapi/v3 and one document per
// group version). orkest publishes only what clients look for there: one PATCH operation per
// kind, tagged with its group/version/kind and the query parameters orkest honours
// (fieldValidation), so that `kubectl apply`/`create` validate on the server instead of
// needing the whole Kubernetes schema. No schemas: kubectl then computes strategic merge
// patches from its built-in types. /openapi/v2 stays 404 (it is protobuf-only in kubectl).

#include <nlohmann/json.hpp>
#include <string>

namespace orkest::api {

// The document for a path under /openapi/v3 ("/openapi/v3", "/openapi/v3/api/v1",
// "/openapi/v3/apis/apps/v1"), or null when there is none.
nlohmann::json openapi_v3_document(const std::string& path);

}  // namespace orkest::api
