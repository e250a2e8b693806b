#include "api/openapi.hpp"

#include "model/resource_kind.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

using nlohmann::json;

namespace {

// Changes whenever what the documents say changes, so clients' caches (keyed by URL) refresh.
constexpr const char* document_hash = "orkest-1";

std::string group_version_path(const resource_kind& kind) {
  return kind.group.empty() ? "api/" + kind.version : "apis/" + kind.group + "/" + kind.version;
}

json query_parameter(const char* name, const char* description) {
  return {{"name", name}, {"in", "query"}, {"description", description}, {"schema", {{"type", "string"}, {"uniqueItems", true}}}};
}

json patch_operation(const resource_kind& kind) {
  json patch_body = {{"schema", {{"type", "object"}}}};
  return {
      {"description", "partially update the specified " + kind.kind},
      {"operationId", "patch" + kind.kind},
      {"x-kubernetes-action", "patch"},
      {"x-kubernetes-group-version-kind", {{"group", kind.group}, {"version", kind.version}, {"kind", kind.kind}}},
      {"parameters",
       json::array({query_parameter("fieldManager", "the actor making the change"),
                    query_parameter("fieldValidation",
                                    "how the server treats unknown fields: Ignore, Warn (default) or Strict")})},
      // Strategic merge patches are accepted but not advertised here: kubectl would then look
      // for schemas this document does not carry, instead of using its built-in types.
      {"requestBody",
       {{"content", {{"application/json-patch+json", patch_body}, {"application/merge-patch+json", patch_body}}},
        {"required", true}}},
      {"responses", {{"200", {{"description", "OK"}}}}},
  };
}

json group_version_document(const std::string& group_version) {
  json paths = json::object();
  for (const auto& kind : all_kinds()) {
    if (group_version_path(kind) != group_version) continue;
    std::string base = "/" + group_version + (kind.namespaced ? "/namespaces/{namespace}/" : "/") + kind.plural + "/{name}";
    paths[base] = {{"patch", patch_operation(kind)}};
  }
  if (paths.empty()) return nullptr;
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0-orkest"}}},
          {"paths", paths},
          {"components", {{"schemas", json::object()}}}};
}

}  // namespace

json openapi_v3_document(const std::string& path) {
  const std::string prefix = "/openapi/v3";
  if (path == prefix) {
    json paths = json::object();
    for (const auto& kind : all_kinds()) {
      auto gv = group_version_path(kind);
      paths[gv] = {{"serverRelativeURL", prefix + "/" + gv + "?hash=" + document_hash}};
    }
    return {{"paths", paths}};
  }
  if (path.rfind(prefix + "/", 0) != 0) return nullptr;
  return group_version_document(path.substr(prefix.size() + 1));
}

}  // namespace orkest::api
