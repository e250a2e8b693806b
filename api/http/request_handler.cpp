#include "api/http/request_handler.hpp"

#include "api/body_decoder.hpp"
#include "api/http/discovery.hpp"
#include "api/http/route.hpp"
#include "api/validation.hpp"

namespace orkest::api::http {

using actors::store_result;
using nlohmann::json;

std::string dump_json(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

http_response error_response(const api_error& error) { return {error.code, "application/json", dump_json(to_status_json(error)), {}}; }

namespace {

http_response respond(const store_result& result, int success_code = 200) {
  if (!result.ok()) return error_response(*result.error);
  http_response response{success_code, "application/json", dump_json(result.object), {}};
  for (const auto& warning : result.warnings) response.headers.emplace_back("Warning", "299 - \"" + warning + "\"");
  return response;
}

api_error path_not_found() {
  api_error error;
  error.code = 404;
  error.reason = "NotFound";
  error.message = "the server could not find the requested resource";
  return error;
}

std::optional<std::string> query_value(const http_request& request, const std::string& key) {
  auto it = request.query.find(key);
  if (it == request.query.end()) return std::nullopt;
  return it->second;
}

// DeleteOptions from the query (?gracePeriodSeconds=) and the body (kind: DeleteOptions).
std::variant<actors::delete_options, api_error> delete_options_of(const http_request& request) {
  actors::delete_options options;
  auto parse_grace = [&](const json& value) -> std::optional<api_error> {
    if (!value.is_number_integer()) return bad_request("gracePeriodSeconds: must be an integer");
    options.grace_period_seconds = value.get<int64_t>();
    return std::nullopt;
  };
  if (auto grace = query_value(request, "gracePeriodSeconds")) {
    try {
      std::size_t used = 0;
      options.grace_period_seconds = std::stoll(*grace, &used);
      if (used != grace->size()) throw std::invalid_argument(*grace);
    } catch (const std::exception&) {
      return bad_request("gracePeriodSeconds: invalid value \"" + *grace + "\": must be an integer");
    }
  }
  if (!request.body.empty()) {
    auto decoded = decode_body(request.body, request.content_type);
    if (auto* error = std::get_if<api_error>(&decoded)) return *error;
    const auto& body = std::get<json>(decoded);
    if (!body.is_object()) return bad_request("the body of a DELETE must be a DeleteOptions object");
    if (body.contains("gracePeriodSeconds"))
      if (auto error = parse_grace(body["gracePeriodSeconds"])) return *error;
    if (auto preconditions = body.find("preconditions"); preconditions != body.end() && preconditions->is_object()) {
      if (preconditions->contains("uid") && (*preconditions)["uid"].is_string())
        options.precondition_uid = (*preconditions)["uid"].get<std::string>();
      if (preconditions->contains("resourceVersion") && (*preconditions)["resourceVersion"].is_string())
        options.precondition_resource_version = (*preconditions)["resourceVersion"].get<std::string>();
    }
  }
  if (options.grace_period_seconds && *options.grace_period_seconds < 0) options.grace_period_seconds = 0;
  return options;
}

std::optional<actors::patch_type> patch_type_of(std::string_view content_type) {
  auto media = content_type.substr(0, content_type.find(';'));
  if (media == "application/merge-patch+json") return actors::patch_type::merge;
  if (media == "application/json-patch+json") return actors::patch_type::json_patch;
  if (media == "application/strategic-merge-patch+json") return actors::patch_type::strategic_merge;
  return std::nullopt;
}

// Compares in time independent of where the strings differ, so the token cannot be guessed
// byte by byte from response times.
bool bearer_token_matches(const std::string& authorization, const std::string& token) {
  const std::string prefix = "Bearer ";
  if (authorization.size() != prefix.size() + token.size() || authorization.compare(0, prefix.size(), prefix) != 0)
    return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < token.size(); ++i)
    difference |= static_cast<unsigned char>(authorization[prefix.size() + i] ^ token[i]);
  return difference == 0;
}

class resource_request {
 public:
  resource_request(store_client& store, const http_request& request, const route& r)
      : store_(store), request_(request), route_(r) {}

  http_response handle() {
    const auto& method = request_.method;
    const bool collection = route_.name.empty();
    if (collection) {
      if (method == "GET") return list();
      if (method == "POST" && !route_.ns.empty()) return create();
      return not_allowed();
    }
    if (route_.subresource == "status") {
      if (method == "GET") return respond(store_.call(actors::get_atom::value, key()));
      if (method == "PUT") return with_body([&](json body) {
          return respond(store_.call(actors::status_atom::value, key(), std::move(body)));
        });
      if (method == "PATCH") return patch();
      return not_allowed();
    }
    if (!route_.subresource.empty()) return error_response(path_not_found());
    if (method == "GET") return respond(store_.call(actors::get_atom::value, key()));
    if (method == "PUT") return with_body([&](json body) {
        return respond(store_.call(actors::update_atom::value, key(), std::move(body)));
      });
    if (method == "PATCH") return patch();
    if (method == "DELETE") return remove();
    return not_allowed();
  }

 private:
  actors::object_key key() const { return {route_.kind->kind, route_.ns, route_.name}; }

  http_response not_allowed() const {
    return error_response(method_not_allowed("the server does not allow this method on the requested resource"));
  }

  template <class Next>
  http_response with_body(Next next) {
    auto decoded = decode_body(request_.body, request_.content_type);
    if (auto* error = std::get_if<api_error>(&decoded)) return error_response(*error);
    return next(std::move(std::get<json>(decoded)));
  }

  http_response list() {
    actors::list_request list{route_.kind->kind, route_.ns, query_value(request_, "labelSelector").value_or(""),
                              query_value(request_, "fieldSelector").value_or("")};
    return respond(store_.call(actors::list_atom::value, std::move(list)));
  }

  http_response create() {
    return with_body([&](json body) {
      const resource_kind* kind = route_.kind;
      std::vector<std::string> warnings;
      // The user's own example POSTs a Service to the pods collection: create it as the
      // Service it is and say where it belongs.
      if (kind->kind == "Pod" && body.is_object() && body.value("kind", json()) == "Service") {
        kind = find_kind("Service");
        warnings.push_back("a Service was posted to /api/v1/namespaces/" + route_.ns +
                           "/pods; it was created as a Service and belongs at /api/v1/namespaces/" + route_.ns +
                           "/services");
      }
      auto result = store_.call(actors::create_atom::value, kind->kind, route_.ns, std::move(body));
      result.warnings.insert(result.warnings.end(), warnings.begin(), warnings.end());
      return respond(result, 201);
    });
  }

  http_response patch() {
    auto type = patch_type_of(request_.content_type);
    if (!type) return error_response(unsupported_media_type(request_.content_type));
    return with_body([&](json body) {
      actors::patch_request patch{*type, std::move(body)};
      if (route_.subresource == "status") patch.status_only = true;
      return respond(store_.call(actors::patch_atom::value, key(), std::move(patch)));
    });
  }

  http_response remove() {
    auto options = delete_options_of(request_);
    if (auto* error = std::get_if<api_error>(&options)) return error_response(*error);
    return respond(store_.call(actors::delete_atom::value, key(), std::get<actors::delete_options>(options)));
  }

  store_client& store_;
  const http_request& request_;
  const route& route_;
};

}  // namespace

http_response request_handler::handle(const http_request& request) {
  if (request.body.size() > settings_.max_body_bytes)
    return error_response(request_entity_too_large(settings_.max_body_bytes));
  auto parsed = parse_route(request.path);
  bool health_check = parsed && parsed->what == route::target::health;
  if (!settings_.bearer_token.empty() && !health_check &&
      !bearer_token_matches(request.authorization, settings_.bearer_token))
    return error_response(unauthorized());
  if (!parsed) return error_response(path_not_found());
  const route& r = *parsed;
  switch (r.what) {
    case route::target::health:
      return {200, "text/plain", "ok", {}};
    case route::target::version:
      return {200, "application/json", dump_json(version_info()), {}};
    case route::target::discovery: {
      auto document = discovery_document(r.path);
      if (document.is_null()) return error_response(path_not_found());
      return {200, "application/json", dump_json(document), {}};
    }
    case route::target::openapi:
      return error_response(path_not_found());
    case route::target::resource:
      break;
  }
  if (!r.ns.empty() && !is_dns1123_label(r.ns))
    return error_response(not_found("namespaces", "", r.ns));
  return resource_request(store_, request, r).handle();
}

}  // namespace orkest::api::http
