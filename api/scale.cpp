#include "api/scale.hpp"

#include "model/body_decoder.hpp"
#include "api/request_handler.hpp"
#include "model/json_access.hpp"
#include "model/kind_strategy.hpp"
#include "model/label_selector.hpp"
#include "model/strategic_merge.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

using nlohmann::json;

namespace {

api_error invalid_scale(const std::string& name, const std::string& field, const std::string& message) {
  return invalid("Scale", "autoscaling", name, {{"FieldValueInvalid", field, message}});
}

// Writes `replicas` into the ReplicaSet, retrying on a concurrent change unless the client
// pinned the version it read (then the conflict is the client's to resolve, as in Kubernetes).
store::store_result write_replicas(store_client& store, const store::object_key& key, int64_t replicas,
                                    const std::string& expected_version) {
  constexpr int attempts = 5;
  store::store_result result;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    auto current = store.call(actors::get_atom::value, key);
    if (!current.ok()) return current;
    json replicaset = std::move(current.object);
    auto version = replicaset["metadata"].value("resourceVersion", "");
    if (!expected_version.empty() && expected_version != version)
      return store::store_result::failure(conflict(
          "replicasets", "apps", key.name,
          "the object has been modified; please apply your changes to the latest version and try again"));
    if (replicaset["spec"].value("replicas", int64_t{-1}) == replicas) return store::store_result::success(replicaset);
    replicaset["spec"]["replicas"] = replicas;
    result = store.call(actors::update_atom::value, key, std::move(replicaset));
    if (result.ok() || result.error->code != 409 || !expected_version.empty()) return result;
  }
  return result;
}

http_response scale_response(const store::store_result& result) {
  if (!result.ok()) return error_response(*result.error);
  return {200, "application/json", dump_json(scale_of(result.object)), {}};
}

http_response write_scale(store_client& store, const store::object_key& key, const json& scale) {
  auto replicas = replicas_of_scale(scale, key.name);
  if (auto* error = std::get_if<api_error>(&replicas)) return error_response(*error);
  auto pinned = member_or_null(member_or_null(scale, "metadata"), "resourceVersion");
  return scale_response(
      write_replicas(store, key, std::get<int64_t>(replicas), pinned.is_string() ? pinned.get<std::string>() : ""));
}

}  // namespace

json scale_of(const json& replicaset) {
  const auto& metadata = member_or_null(replicaset, "metadata");
  json scale_metadata = json::object();
  for (const char* field : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"})
    if (member_or_null(metadata, field).is_string()) scale_metadata[field] = member_or_null(metadata, field);
  const auto& spec = member_or_null(replicaset, "spec");
  const auto& status = member_or_null(replicaset, "status");
  std::string selector = label_selector_string(member_or_null(spec, "selector"));
  const auto& replicas = member_or_null(spec, "replicas");
  const auto& observed = member_or_null(status, "replicas");
  return {{"kind", "Scale"},
          {"apiVersion", "autoscaling/v1"},
          {"metadata", scale_metadata},
          {"spec", {{"replicas", replicas.is_number_integer() ? replicas.get<int64_t>() : 1}}},
          {"status",
           {{"replicas", observed.is_number_integer() ? observed.get<int64_t>() : 0}, {"selector", selector}}}};
}

std::variant<int64_t, api_error> replicas_of_scale(const json& scale, const std::string& name) {
  if (!scale.is_object()) return bad_request("the request body must be a Scale object");
  const auto& kind = member_or_null(scale, "kind");
  if (!kind.is_null() && kind != "Scale")
    return bad_request("the kind " + kind.dump() + " of the body does not match the subresource (expected \"Scale\")");
  const auto& api_version = member_or_null(scale, "apiVersion");
  if (!api_version.is_null() && api_version != "autoscaling/v1")
    return bad_request("the apiVersion " + api_version.dump() + " of the body does not match \"autoscaling/v1\"");
  const auto& body_name = member_or_null(member_or_null(scale, "metadata"), "name");
  if (body_name.is_string() && body_name != name)
    return bad_request("the name of the object (" + body_name.get<std::string>() +
                       ") does not match the name on the URL (" + name + ")");
  const auto& replicas = member_or_null(member_or_null(scale, "spec"), "replicas");
  if (replicas.is_null()) return invalid("Scale", "autoscaling", name, {{"FieldValueRequired", "spec.replicas", "Required value"}});
  if (!replicas.is_number_integer())
    return invalid_scale(name, "spec.replicas", "Invalid value: " + replicas.dump() + ": must be an integer");
  auto value = replicas.get<int64_t>();
  if (value < 0)
    return invalid_scale(name, "spec.replicas",
                         "Invalid value: " + std::to_string(value) + ": must be greater than or equal to 0");
  if (value > 2147483647)
    return invalid_scale(name, "spec.replicas", "Invalid value: " + std::to_string(value) + ": must be a 32-bit integer");
  return value;
}

std::variant<json, api_error> patch_scale(const json& scale, store::patch_type type, const json& patch,
                                          const std::string& name) {
  try {
    switch (type) {
      case store::patch_type::merge: {
        if (!patch.is_object()) return bad_request("a merge patch must be a JSON object");
        json patched = scale;
        patched.merge_patch(patch);
        return patched;
      }
      case store::patch_type::strategic_merge:
        if (!patch.is_object()) return bad_request("a strategic merge patch must be a JSON object");
        return strategic_merge(scale, patch);
      case store::patch_type::json_patch:
        if (!patch.is_array()) return bad_request("a JSON patch must be an array of operations");
        return scale.patch(patch);
    }
  } catch (const json::exception& error) {
    return invalid("Scale", "autoscaling", name, {{"FieldValueInvalid", "", std::string("the patch failed: ") + error.what()}});
  }
  return bad_request("unsupported patch type");
}

http_response scale_request(store_client& store, const http_request& request, const route& r) {
  store::object_key key{r.kind->kind, r.ns, r.name};
  if (!strategy_for(*r.kind).has_scale) return error_response(not_found(r.kind->plural + "/scale", r.kind->group, r.name));
  if (request.method == "GET") return scale_response(store.call(actors::get_atom::value, key));
  if (request.method == "PUT") {
    auto decoded = decode_body(request.body, request.content_type);
    if (auto* error = std::get_if<api_error>(&decoded)) return error_response(*error);
    return write_scale(store, key, std::get<json>(decoded));
  }
  if (request.method == "PATCH") {
    auto type = patch_type_of(request.content_type);
    if (!type) return error_response(unsupported_media_type(request.content_type));
    auto decoded = decode_body(request.body, request.content_type);
    if (auto* error = std::get_if<api_error>(&decoded)) return error_response(*error);
    auto current = store.call(actors::get_atom::value, key);
    if (!current.ok()) return error_response(*current.error);
    auto patched = patch_scale(scale_of(current.object), *type, std::get<json>(decoded), r.name);
    if (auto* error = std::get_if<api_error>(&patched)) return error_response(*error);
    // The patch was computed against this version: a change in between is retried by
    // re-reading only when the patch itself did not pin a version.
    json scale = std::get<json>(patched);
    auto pinned = member_or_null(member_or_null(std::get<json>(decoded), "metadata"), "resourceVersion");
    if (!pinned.is_string() && scale.contains("metadata")) scale["metadata"].erase("resourceVersion");
    return write_scale(store, key, scale);
  }
  return error_response(method_not_allowed("the server does not allow this method on the requested resource"));
}

}  // namespace orkest::api
