#include "api/request_handler.hpp"

#include <cctype>

#include "model/body_decoder.hpp"
#include "model/forgiven_shapes.hpp"
#include "model/json_access.hpp"
#include "api/accept_header.hpp"
#include "api/discovery.hpp"
#include "api/endpoint_slices.hpp"
#include "api/events_v1.hpp"
#include "api/field_validation.hpp"
#include "api/openapi.hpp"
#include "api/route.hpp"
#include "api/scale.hpp"
#include "api/table.hpp"
#include "model/kind_strategy.hpp"
#include "model/field_error.hpp"
#include "model/namespaces.hpp"
#include "model/validation.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

using store::store_result;
using nlohmann::json;

std::string dump_json(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

http_response error_response(const api_error& error) {
  http_response response{error.code, "application/json", dump_json(to_status_json(error)), {}};
  if (error.retry_after_seconds > 0) response.headers.emplace_back("Retry-After", std::to_string(error.retry_after_seconds));
  return response;
}

namespace {

http_response respond(const store_result& result, int success_code = 200) {
  if (!result.ok()) return error_response(*result.error);
  http_response response{success_code, "application/json", dump_json(result.object), {}};
  for (const auto& warning : result.warnings) {
    std::string quoted;  // RFC 7234 warn-text: a quoted string
    for (char c : warning) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    response.headers.emplace_back("Warning", "299 - \"" + quoted + "\"");
  }
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
std::variant<store::delete_options, api_error> delete_options_of(const http_request& request) {
  store::delete_options options;
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

}  // namespace

std::optional<store::patch_type> patch_type_of(std::string_view content_type) {
  std::string media(content_type.substr(0, content_type.find(';')));
  media.erase(0, media.find_first_not_of(" \t"));
  media.erase(media.find_last_not_of(" \t") + 1);
  for (auto& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (media == "application/merge-patch+json") return store::patch_type::merge;
  if (media == "application/json-patch+json") return store::patch_type::json_patch;
  if (media == "application/strategic-merge-patch+json") return store::patch_type::strategic_merge;
  return std::nullopt;
}

namespace {

// The object or List as the client asked for it: itself, or (Accept: ...;as=Table) its Table.
http_response respond_as_asked(const http_request& request, const resource_kind& kind, const store_result& result) {
  if (!result.ok()) return respond(result);
  auto version = table_version_wanted(request.accept);
  if (!version) return respond(result);
  auto include_value = query_value(request, "includeObject").value_or("");
  auto include = parse_include_object(include_value);
  if (!include) return error_response(bad_request("includeObject: unsupported value \"" + include_value +
                                                  "\": use None, Metadata or Object"));
  table_options options;
  options.api_version = *version;
  options.include = *include;
  store_result table = result;
  table.object = to_table(kind, result.object, options);
  return respond(table);
}

// orkest runs every write for real: a dry run must not be mistaken for one.
std::optional<api_error> refuse_dry_run(const http_request& request) {
  auto dry_run = query_value(request, "dryRun");
  if (!dry_run || dry_run->empty()) return std::nullopt;
  return bad_request("dryRun: orkest does not support dry runs (dryRun=" + *dry_run + ")");
}

// The body's kind is `kind`, in any letter case (api/forgiven_shapes).
bool names_kind(const json& body, const std::string& kind) {
  if (!body.is_object() || !body.contains("kind") || !body["kind"].is_string()) return false;
  const resource_kind* named = find_kind_ignoring_case(body["kind"].get<std::string>());
  return named && named->kind == kind;
}

class resource_request {
 public:
  resource_request(store_client& store, const http_request& request, const route& r, const handler_settings& settings,
                   const std::optional<log_source>& logs, const std::shared_ptr<response_sink>* sink)
      : store_(store), request_(request), route_(r), settings_(settings), logs_(logs), sink_(sink) {}

  // nullopt: a stream took the sink and answers through it.
  std::optional<http_response> handle() {
    const auto& method = request_.method;
    const bool collection = route_.name.empty();
    if (method != "GET")
      if (auto error = refuse_dry_run(request_)) return error_response(*error);
    if (collection) {
      if (method == "GET" && is_watch_request(request_)) return watch();
      if (method == "GET") return list();
      if (method == "POST" && (!route_.ns.empty() || !route_.kind->namespaced)) return create();
      return not_allowed();
    }
    if (route_.subresource == "status" && strategy_for(*route_.kind).has_status) {
      if (method == "GET") return respond(store_.call(actors::get_atom::value, key()));
      if (method == "PUT") return with_body([&](json body) {
          return respond(store_.call(actors::status_atom::value, key(), std::move(body)));
        });
      if (method == "PATCH") return patch();
      return not_allowed();
    }
    if (route_.subresource == "scale") return scale_request(store_, request_, route_);
    if (route_.subresource == "binding" && strategy_for(*route_.kind).has_binding) {
      if (method != "POST") return not_allowed();
      return with_body([&](json body) { return respond(store_.call(actors::bind_atom::value, key(), std::move(body)), 201); });
    }
    if (route_.subresource == "eviction" && strategy_for(*route_.kind).has_binding) {
      if (method != "POST") return not_allowed();
      return with_body([&](json body) { return evict(std::move(body)); });
    }
    if (route_.subresource == "log" && strategy_for(*route_.kind).has_log && logs_)
      return log_request(store_, *logs_, request_, route_, sink_);
    if (route_.subresource == "finalize" && strategy_for(*route_.kind).finalized_deletion) {
      if (method != "PUT") return not_allowed();
      return with_body([&](json body) { return finalize(std::move(body)); });
    }
    if (!route_.subresource.empty()) return error_response(path_not_found());
    if (method == "GET") return respond_as_asked(request_, *route_.kind, store_.call(actors::get_atom::value, key()));
    if (method == "PUT") return with_body([&](json body) {
        auto fields = check_fields(*route_.kind, body);
        if (auto* error = std::get_if<api_error>(&fields)) return error_response(*error);
        return respond(with_warnings(store_.call(actors::update_atom::value, key(), std::move(body)), fields));
      });
    if (method == "PATCH") return patch();
    if (method == "DELETE") return remove();
    return not_allowed();
  }

 private:
  store::object_key key() const { return {route_.kind->kind, route_.ns, route_.name}; }

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
    store::list_request list{route_.kind->kind, route_.ns, query_value(request_, "labelSelector").value_or(""),
                              query_value(request_, "fieldSelector").value_or("")};
    return respond_as_asked(request_, *route_.kind, store_.call(actors::list_atom::value, std::move(list)));
  }

  std::optional<http_response> watch() {
    if (!sink_) return error_response(not_acceptable_stream());
    auto parameters = watch_parameters_of(request_, route_, settings_.watch);
    if (auto* error = std::get_if<api_error>(&parameters)) return error_response(*error);
    start_watch(store_.system(), store_.store(), *sink_, std::move(std::get<watch_parameters>(parameters)));
    return std::nullopt;
  }

  static api_error not_acceptable_stream() { return not_acceptable("watches are served only by the HTTP server"); }

  http_response create() {
    return with_body([&](json body) {
      const resource_kind* kind = route_.kind;
      std::vector<std::string> warnings;
      // The user's own example POSTs a Service to the pods collection: create it as the
      // Service it is and say where it belongs.
      if (kind->kind == "Pod" && names_kind(body, "Service")) {
        kind = find_kind("Service");
        warnings.push_back("a Service was posted to /api/v1/namespaces/" + route_.ns +
                           "/pods; it was created as a Service and belongs at /api/v1/namespaces/" + route_.ns +
                           "/services");
      }
      auto fields = check_fields(*kind, body);
      if (auto* error = std::get_if<api_error>(&fields)) return error_response(*error);
      if (auto refused = refuse_by_namespace(*kind, body)) return error_response(*refused);
      auto result = with_warnings(store_.call(actors::create_atom::value, kind->kind, route_.ns, std::move(body)), fields);
      result.warnings.insert(result.warnings.end(), warnings.begin(), warnings.end());
      return respond(result, 201);
    });
  }

  // PUT .../finalize: only spec.finalizers changes, to the body's (none when it names none): how
  // a terminating namespace is let go once its content is gone.
  http_response finalize(json body) {
    const json finalizers = value_at(body, "/spec/finalizers"_json_pointer, json::array());
    bool strings = finalizers.is_array();
    if (strings)
      for (const auto& finalizer : finalizers) strings = strings && finalizer.is_string();
    if (!strings)
      return error_response(invalid(route_.kind->kind, route_.kind->group, route_.name,
                                    {field_error::type_invalid("spec.finalizers", finalizers, "array of strings")}));
    auto stored = store_.call(actors::get_atom::value, key());
    if (!stored.ok()) return error_response(*stored.error);
    json updated = stored.object;
    updated["spec"]["finalizers"] = finalizers;
    return respond(store_.call(actors::update_atom::value, key(), std::move(updated)));
  }

  // Kubernetes' NamespaceLifecycle admission: a new object only in a namespace that exists and
  // is not being deleted. The system namespaces always exist (the server makes them at start).
  std::optional<api_error> refuse_by_namespace(const resource_kind& kind, const json& body) {
    if (!kind.namespaced || is_system_namespace(route_.ns)) return std::nullopt;
    auto found = store_.call(actors::get_atom::value, store::object_key{"Namespace", "", route_.ns});
    if (!found.ok()) {
      if (found.error->code == 404) return not_found("namespaces", "", route_.ns);
      return *found.error;
    }
    if (!value_at(found.object, "/metadata/deletionTimestamp"_json_pointer, json()).is_null()) {
      const auto& metadata = member_or_null(body, "metadata");
      auto name = string_member(metadata, "name");
      if (name.empty()) name = string_member(metadata, "generateName");
      const auto why = "unable to create new content in namespace " + route_.ns + " because it is being terminated";
      auto error = forbidden(kind.plural, kind.group, name, why);
      error.causes.push_back({"NamespaceTerminating", "metadata.namespace", why});
      return error;
    }
    return std::nullopt;
  }

  http_response patch() {
    auto type = patch_type_of(request_.content_type);
    if (!type) return error_response(unsupported_media_type(request_.content_type));
    return with_body([&](json body) {
      std::variant<std::vector<std::string>, api_error> fields = std::vector<std::string>{};
      if (*type != store::patch_type::json_patch && route_.subresource.empty()) fields = check_fields(*route_.kind, body);
      if (auto* error = std::get_if<api_error>(&fields)) return error_response(*error);
      store::patch_request patch{*type, std::move(body)};
      if (route_.subresource == "status") patch.status_only = true;
      return respond(with_warnings(store_.call(actors::patch_atom::value, key(), std::move(patch)), fields));
    });
  }

  // ?fieldValidation=: the unknown fields of a body as warnings, or the 400 of Strict.
  std::variant<std::vector<std::string>, api_error> check_fields(const resource_kind& kind, const json& body) const {
    auto mode = parse_field_validation(query_value(request_, "fieldValidation").value_or(""));
    if (auto* error = std::get_if<api_error>(&mode)) return *error;
    return field_validation_outcome(kind, std::get<field_validation>(mode), unknown_fields(kind, body));
  }

  static store_result with_warnings(store_result result, const std::variant<std::vector<std::string>, api_error>& fields) {
    if (const auto* warnings = std::get_if<std::vector<std::string>>(&fields))
      if (result.ok()) result.warnings.insert(result.warnings.begin(), warnings->begin(), warnings->end());
    return result;
  }

  // policy/v1 Eviction: the pod deleted with the eviction's deleteOptions (no disruption budgets
  // exist to refuse it), answered with a Status as Kubernetes answers.
  http_response evict(const json& eviction) {
    if (!eviction.is_object() || (eviction.contains("kind") && eviction["kind"] != "Eviction"))
      return error_response(bad_request("the body of an eviction must be a policy/v1 Eviction"));
    auto name = model::string_member(model::member_or_null(eviction, "metadata"), "name");
    if (!name.empty() && name != route_.name)
      return error_response(bad_request("name in URL does not match name in Eviction object"));
    store::delete_options options;
    const json& given = model::member_or_null(eviction, "deleteOptions");
    if (given.is_object()) {
      const json& grace = model::member_or_null(given, "gracePeriodSeconds");
      if (grace.is_number_integer()) options.grace_period_seconds = grace.get<int64_t>();
      const json& preconditions = model::member_or_null(given, "preconditions");
      if (auto uid = model::string_member(preconditions, "uid"); !uid.empty()) options.precondition_uid = uid;
      if (auto version = model::string_member(preconditions, "resourceVersion"); !version.empty())
        options.precondition_resource_version = version;
    }
    auto result = store_.call(actors::delete_atom::value, key(), options);
    if (!result.ok()) return respond(result);
    json status = success_status();
    status["code"] = 201;
    return respond(store_result::success(status), 201);
  }

  http_response remove() {
    auto options = delete_options_of(request_);
    if (auto* error = std::get_if<api_error>(&options)) return error_response(*error);
    return respond(store_.call(actors::delete_atom::value, key(), std::get<store::delete_options>(options)));
  }

  store_client& store_;
  const http_request& request_;
  const route& route_;
  const handler_settings& settings_;
  const std::optional<log_source>& logs_;
  const std::shared_ptr<response_sink>* sink_;
};

}  // namespace

http_response request_handler::handle(const http_request& request) {
  auto response = dispatch(request, nullptr);
  return response ? std::move(*response) : error_response(internal_error("a stream was started without a sink"));
}

namespace {

// As Kubernetes' API server: indented for ?pretty=true, and for curl, wget and browsers unless
// ?pretty=false; compact for everyone else (kubectl, client libraries).
bool wants_indented_json(const http_request& request) {
  auto pretty = request.query.find("pretty");
  if (pretty != request.query.end()) return pretty->second == "true" || pretty->second == "1";
  const auto& agent = request.user_agent;
  return agent.rfind("curl", 0) == 0 || agent.rfind("Wget", 0) == 0 || agent.rfind("Mozilla/", 0) == 0;
}

}  // namespace

std::optional<http_response> request_handler::handle(const http_request& request,
                                                     const std::shared_ptr<response_sink>& sink) {
  auto response = dispatch(request, &sink);
  if (!response || response->content_type != "application/json" || !wants_indented_json(request)) return response;
  auto value = nlohmann::json::parse(response->body, nullptr, false);
  if (!value.is_discarded())
    response->body = value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return response;
}

std::optional<http_response> request_handler::dispatch(const http_request& request,
                                                       const std::shared_ptr<response_sink>* sink) {
  if (request.body.size() > settings_.max_body_bytes)
    return error_response(request_entity_too_large(settings_.max_body_bytes));
  auto parsed = parse_route(request.path);
  bool health_check = parsed && (parsed->what == route::target::health || parsed->what == route::target::readiness);
  if (!health_check && !token_.accepts(request.authorization))
    return error_response(unauthorized());
  if (!parsed) return error_response(path_not_found());
  if (settings_.pod_logs_only && !health_check &&
      !(parsed->what == route::target::resource && parsed->kind && parsed->kind->kind == "Pod" &&
        parsed->subresource == "log"))
    return error_response(path_not_found());
  if (!health_check && accepts_only_protobuf(request.accept))
    return error_response(not_acceptable("orkest answers in application/json, which the Accept header (" + request.accept +
                                         ") does not list; it reads protobuf request bodies but does not write them"));
  const route& r = *parsed;
  switch (r.what) {
    case route::target::health:
      return http_response{200, "text/plain", "ok", {}};
    case route::target::readiness:
      // A store that misses this deadline makes every request a 504: not ready for traffic.
      if (!store_.answers_within(settings_.readiness_deadline))
        return http_response{503, "text/plain", "readyz check failed: the store did not answer in time", {}};
      return http_response{200, "text/plain", "ok", {}};
    case route::target::version:
      return http_response{200, "application/json", dump_json(version_info()), {}};
    case route::target::discovery: {
      auto document = discovery_document(r.path);
      if (document.is_null()) return error_response(path_not_found());
      return http_response{200, "application/json", dump_json(document), {}};
    }
    case route::target::openapi: {
      auto document = openapi_v3_document(r.path);
      if (document.is_null()) return error_response(path_not_found());
      return http_response{200, "application/json", dump_json(document), {}};
    }
    case route::target::events: {
      if (request.method != "GET" || is_watch_request(request))
        return error_response(method_not_allowed("events.k8s.io/v1 Events can only be listed here: use /api/v1 events"));
      auto events = store_.call(actors::list_atom::value,
                                store::list_request{"Event", r.ns, query_value(request, "labelSelector").value_or(""), ""});
      if (!events.ok()) return error_response(*events.error);
      return http_response{200, "application/json", dump_json(events_v1_list(events.object)), {}};
    }
    case route::target::endpoint_slices: {
      if (request.method != "GET" || is_watch_request(request))
        return error_response(method_not_allowed("EndpointSlices are derived from Endpoints: they can only be listed"));
      auto label_selector = query_value(request, "labelSelector").value_or("");
      auto endpoints = store_.call(actors::list_atom::value, store::list_request{"Endpoints", r.ns, "", ""});
      if (!endpoints.ok()) return error_response(*endpoints.error);
      auto slices = endpoint_slice_list(endpoints.object, label_selector);
      if (slices.is_null()) return error_response(bad_request("unable to parse labelSelector: " + label_selector));
      return http_response{200, "application/json", dump_json(slices), {}};
    }
    case route::target::resource:
      break;
  }
  if (!r.ns.empty() && !is_dns1123_label(r.ns))
    return error_response(not_found("namespaces", "", r.ns));
  return resource_request(store_, request, r, settings_, logs_, sink).handle();
}

}  // namespace orkest::api
