// The pure parts behind kubectl support: the Scale of a ReplicaSet (api/scale.cpp), which
// container a log request reads (log_stream.cpp), server-side field validation
// (field_validation.cpp), the OpenAPI v3 documents kubectl checks (openapi.cpp), discovery's
// subresources and the kubeconfig orkest prints (app/kubeconfig.cpp).

#include <gtest/gtest.h>

#include "api/discovery.hpp"
#include "api/endpoint_slices.hpp"
#include "api/field_validation.hpp"
#include "api/log_stream.hpp"
#include "api/openapi.hpp"
#include "api/route.hpp"
#include "api/scale.hpp"
#include "model/strategic_merge.hpp"
#include "app/kubeconfig.hpp"

namespace orkest::testing {
namespace {

using model::api_error;
using nlohmann::json;

json replicaset() {
  return json::parse(R"({
    "apiVersion": "apps/v1", "kind": "ReplicaSet",
    "metadata": {"name": "web", "namespace": "default", "uid": "u-1", "resourceVersion": "9",
                 "creationTimestamp": "2026-11-22T12:00:00Z", "labels": {"x": "y"}},
    "spec": {"replicas": 3, "selector": {"matchLabels": {"tier": "front", "app": "web"}},
             "template": {"metadata": {"labels": {"app": "web", "tier": "front"}},
                          "spec": {"containers": [{"name": "web", "image": "health"}]}}},
    "status": {"replicas": 2}})");
}

TEST(scale, of_a_replicaset) {
  EXPECT_EQ(api::scale_of(replicaset()), json::parse(R"({
    "kind": "Scale", "apiVersion": "autoscaling/v1",
    "metadata": {"name": "web", "namespace": "default", "uid": "u-1", "resourceVersion": "9",
                 "creationTimestamp": "2026-11-22T12:00:00Z"},
    "spec": {"replicas": 3}, "status": {"replicas": 2, "selector": "app=web,tier=front"}})"));
}

TEST(scale, replicas_of_a_written_scale) {
  auto replicas = [](const json& scale) { return api::replicas_of_scale(scale, "web"); };
  EXPECT_EQ(std::get<int64_t>(replicas({{"spec", {{"replicas", 5}}}})), 5);
  EXPECT_EQ(std::get<int64_t>(replicas(
                {{"kind", "Scale"}, {"apiVersion", "autoscaling/v1"}, {"metadata", {{"name", "web"}}}, {"spec", {{"replicas", 0}}}})),
            0);
  auto error_code = [&](const json& scale) { return std::get<api_error>(replicas(scale)).code; };
  EXPECT_EQ(error_code({{"spec", {{"replicas", -1}}}}), 422);
  EXPECT_EQ(error_code({{"spec", {{"replicas", "3"}}}}), 422);
  EXPECT_EQ(error_code({{"spec", json::object()}}), 422);
  EXPECT_EQ(error_code({{"kind", "Deployment"}, {"spec", {{"replicas", 1}}}}), 400);
  EXPECT_EQ(error_code({{"metadata", {{"name", "other"}}}, {"spec", {{"replicas", 1}}}}), 400);
  EXPECT_EQ(error_code(json::array()), 400);
}

TEST(scale, patches_of_each_type) {
  auto scale = api::scale_of(replicaset());
  auto patched = [&](store::patch_type type, const json& patch) {
    auto result = api::patch_scale(scale, type, patch, "web");
    EXPECT_TRUE(std::holds_alternative<json>(result));
    return std::get<json>(result)["spec"]["replicas"];
  };
  EXPECT_EQ(patched(store::patch_type::merge, {{"spec", {{"replicas", 7}}}}), 7);
  EXPECT_EQ(patched(store::patch_type::strategic_merge, {{"spec", {{"replicas", 1}}}}), 1);
  EXPECT_EQ(patched(store::patch_type::json_patch, json::parse(R"([{"op":"replace","path":"/spec/replicas","value":4}])")), 4);
  auto failed = api::patch_scale(scale, store::patch_type::json_patch,
                                       json::parse(R"([{"op":"test","path":"/spec/replicas","value":9}])"), "web");
  EXPECT_EQ(std::get<api_error>(failed).code, 422);
  EXPECT_EQ(std::get<api_error>(api::patch_scale(scale, store::patch_type::merge, json::array(), "web")).code, 400);
}

json pod_with(json container_status) {
  json pod = {{"metadata", {{"name", "web"}}},
              {"spec", {{"containers", {{{"name", "app"}, {"image", "health"}}}}}},
              {"status", {{"containerStatuses", json::array()}}}};
  if (!container_status.is_null()) pod["status"]["containerStatuses"].push_back(std::move(container_status));
  return pod;
}

TEST(log_target, the_running_container_with_the_options_asked_for) {
  api::log_parameters parameters;
  parameters.timestamps = true;
  parameters.tail_lines = 10;
  auto target = api::log_target_of(
      pod_with({{"name", "app"}, {"containerID", "podman://abc"}, {"state", {{"running", json::object()}}}}), parameters);
  ASSERT_TRUE(std::holds_alternative<api::log_target>(target));
  const auto& chosen = std::get<api::log_target>(target);
  EXPECT_EQ(chosen.container_id, "abc");
  EXPECT_TRUE(chosen.options.timestamps);
  EXPECT_EQ(chosen.options.tail_lines, 10);
  EXPECT_EQ(chosen.options.until_time, "");
}

TEST(log_target, kubernetes_errors) {
  auto message = [](const json& pod, api::log_parameters parameters) {
    auto target = api::log_target_of(pod, parameters);
    EXPECT_TRUE(std::holds_alternative<api_error>(target));
    return std::holds_alternative<api_error>(target) ? std::get<api_error>(target).message : "";
  };
  api::log_parameters none;
  EXPECT_EQ(message(pod_with({{"name", "app"}, {"state", {{"waiting", {{"reason", "ContainerCreating"}}}}}}), none),
            "container \"app\" in pod \"web\" is waiting to start: ContainerCreating");
  EXPECT_EQ(message(pod_with({{"name", "app"}, {"state", {{"waiting", {{"reason", "ErrImageNeverPull"}}}}}}), none),
            "container \"app\" in pod \"web\" is waiting to start: trying and failing to pull image");
  EXPECT_EQ(message(pod_with(nullptr), none), "container \"app\" in pod \"web\" is waiting to start: ContainerCreating");
  api::log_parameters other;
  other.container = "nope";
  EXPECT_EQ(message(pod_with(nullptr), other), "container nope is not valid for pod web");
  api::log_parameters previous;
  previous.previous = true;
  EXPECT_EQ(message(pod_with({{"name", "app"}, {"containerID", "podman://abc"}, {"lastState", json::object()}}), previous),
            "previous terminated container \"app\" in pod \"web\" not found");
  auto two = pod_with(nullptr);
  two["spec"]["containers"].push_back({{"name", "side"}, {"image", "x"}});
  EXPECT_EQ(message(two, none), "a container name must be specified for pod web, choose one of: [app side]");
}

TEST(log_target, previous_is_the_run_before_the_current_one) {
  api::log_parameters previous;
  previous.previous = true;
  auto target = api::log_target_of(
      pod_with({{"name", "app"},
                {"containerID", "podman://abc"},
                {"state", {{"running", {{"startedAt", "2026-11-22T12:00:10Z"}}}}},
                {"lastState",
                 {{"terminated",
                   {{"containerID", "podman://abc"},
                    {"startedAt", "2026-11-22T12:00:00Z"},
                    {"finishedAt", "2026-11-22T12:00:09Z"}}}}}}),
      previous);
  const auto& chosen = std::get<api::log_target>(target);
  EXPECT_EQ(chosen.container_id, "abc");
  EXPECT_EQ(chosen.options.since_time, "2026-11-22T12:00:00Z");
  EXPECT_EQ(chosen.options.until_time, "2026-11-22T12:00:10Z");
}

TEST(log_parameters, from_the_query) {
  api::http_request request;
  request.query = {{"follow", "true"}, {"tailLines", "5"}, {"timestamps", "1"}, {"limitBytes", "100"}, {"container", "c"}};
  auto parsed = api::log_parameters_of(request);
  ASSERT_TRUE(std::holds_alternative<api::log_parameters>(parsed));
  const auto& p = std::get<api::log_parameters>(parsed);
  EXPECT_TRUE(p.follow);
  EXPECT_TRUE(p.timestamps);
  EXPECT_FALSE(p.previous);
  EXPECT_EQ(p.tail_lines, 5);
  EXPECT_EQ(p.limit_bytes, 100);
  EXPECT_EQ(p.container, "c");
  for (auto bad : std::vector<std::pair<std::string, std::string>>{
           {"tailLines", "-2"}, {"follow", "yes"}, {"sinceSeconds", "0"}, {"sinceTime", "now"}, {"limitBytes", "0"}}) {
    api::http_request wrong;
    wrong.query = {bad};
    auto result = api::log_parameters_of(wrong);
    ASSERT_TRUE(std::holds_alternative<api_error>(result)) << bad.first;
    EXPECT_EQ(std::get<api_error>(result).code, 400);
  }
}

TEST(field_validation, unknown_fields_are_named_as_kubernetes_does) {
  const auto& pod = *model::find_kind("Pod");
  auto body = json::parse(R"({
    "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "labelz": {}},
    "spec": {"containers": [{"name": "a", "image": "x", "imagee": "y", "env": [{"name": "A", "valeu": "1"}],
                             "resources": {"limits": {"cpu": "1"}}}],
             "volumes": [], "restartPolicy": "Always"},
    "extra": 1})");
  auto unknown = api::unknown_fields(pod, body);
  std::sort(unknown.begin(), unknown.end());
  EXPECT_EQ(unknown, (std::vector<std::string>{"extra", "metadata.labelz", "spec.containers[0].env[0].valeu",
                                               "spec.containers[0].imagee"}));
}

TEST(field_validation, shorthands_patches_and_every_kind) {
  // The user's shorthands: env as a map, template labels directly in metadata, selector as a map.
  auto rs = json::parse(R"({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r"},
    "spec": {"replicas": 3, "selector": {"name": "health"},
             "template": {"metadata": {"app": "health"},
                          "spec": {"containers": [{"name": "h", "image": "health", "env": {"A": "b"}}]}}}})");
  EXPECT_TRUE(api::unknown_fields(*model::find_kind("ReplicaSet"), rs).empty());
  auto patch = json::parse(R"({"metadata": {"labels": {"a": null}}, "spec": {"$setElementOrder/ports": [{"port": 1}],
    "ports": [{"port": 1, "$patch": "delete"}], "selektor": {}}})");
  EXPECT_EQ(api::unknown_fields(*model::find_kind("Service"), patch), (std::vector<std::string>{"spec.selektor"}));
  EXPECT_EQ(api::unknown_fields(*model::find_kind("Endpoints"), json{{"subsets", json::array()}, {"spec", 1}}),
            (std::vector<std::string>{"spec"}));
}

TEST(field_validation, strict_refuses_warn_warns_ignore_ignores) {
  const auto& pod = *model::find_kind("Pod");
  std::vector<std::string> unknown = {"spec.containers[0].imagee"};
  auto strict = api::field_validation_outcome(pod, api::field_validation::strict, unknown);
  ASSERT_TRUE(std::holds_alternative<api_error>(strict));
  EXPECT_EQ(std::get<api_error>(strict).code, 400);
  EXPECT_EQ(std::get<api_error>(strict).message,
            "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field "
            "\"spec.containers[0].imagee\"");
  auto warn = api::field_validation_outcome(pod, api::field_validation::warn, unknown);
  EXPECT_EQ(std::get<std::vector<std::string>>(warn),
            (std::vector<std::string>{"unknown field \"spec.containers[0].imagee\""}));
  EXPECT_TRUE(std::get<std::vector<std::string>>(
                  api::field_validation_outcome(pod, api::field_validation::ignore, unknown))
                  .empty());
  EXPECT_TRUE(std::holds_alternative<api::field_validation>(api::parse_field_validation("")));
  EXPECT_TRUE(std::holds_alternative<api_error>(api::parse_field_validation("Loose")));
}

TEST(openapi, kubectl_finds_field_validation_per_kind) {
  auto root = api::openapi_v3_document("/openapi/v3");
  ASSERT_TRUE(root["paths"].contains("api/v1"));
  ASSERT_TRUE(root["paths"].contains("apis/apps/v1"));
  std::string url = root["paths"]["apis/apps/v1"]["serverRelativeURL"];
  EXPECT_EQ(url.rfind("/openapi/v3/apis/apps/v1?hash=", 0), 0u);
  auto apps = api::openapi_v3_document("/openapi/v3/apis/apps/v1");
  const auto& patch = apps["paths"]["/apis/apps/v1/namespaces/{namespace}/replicasets/{name}"]["patch"];
  EXPECT_EQ(patch["x-kubernetes-group-version-kind"], json({{"group", "apps"}, {"version", "v1"}, {"kind", "ReplicaSet"}}));
  bool field_validation = false;
  for (const auto& parameter : patch["parameters"])
    field_validation |= parameter["name"] == "fieldValidation" && parameter["in"] == "query";
  EXPECT_TRUE(field_validation);
  auto core = api::openapi_v3_document("/openapi/v3/api/v1");
  EXPECT_TRUE(core["paths"].contains("/api/v1/namespaces/{namespace}/pods/{name}"));
  EXPECT_TRUE(api::openapi_v3_document("/openapi/v3/apis/batch/v1").is_null());
  EXPECT_TRUE(api::openapi_v3_document("/openapi/v2").is_null());
}

TEST(discovery, lists_the_scale_and_log_subresources) {
  auto names = [](const json& list) {
    std::map<std::string, json> out;
    for (const auto& resource : list["resources"]) out[resource["name"]] = resource;
    return out;
  };
  auto apps = names(api::discovery_document("/apis/apps/v1"));
  ASSERT_TRUE(apps.count("replicasets/scale"));
  EXPECT_EQ(apps["replicasets/scale"]["group"], "autoscaling");
  EXPECT_EQ(apps["replicasets/scale"]["kind"], "Scale");
  auto core = names(api::discovery_document("/api/v1"));
  ASSERT_TRUE(core.count("pods/log"));
  EXPECT_EQ(core["pods/log"]["verbs"], json({"get"}));
}

TEST(endpoint_slices, one_per_endpoints_object_labelled_with_its_service) {
  auto endpoints = json::parse(R"({"kind": "EndpointsList", "metadata": {"resourceVersion": "12"}, "items": [
    {"metadata": {"name": "web", "namespace": "default", "uid": "u"},
     "subsets": [{"addresses": [{"ip": "10.0.0.1", "targetRef": {"kind": "Pod", "name": "web-a"}}],
                  "notReadyAddresses": [{"ip": "10.0.0.2"}],
                  "ports": [{"name": "http", "port": 5000, "protocol": "TCP"}]}]},
    {"metadata": {"name": "db", "namespace": "default"}, "subsets": []}]})");
  auto all = api::endpoint_slice_list(endpoints, "");
  EXPECT_EQ(all["kind"], "EndpointSliceList");
  EXPECT_EQ(all["metadata"]["resourceVersion"], "12");
  ASSERT_EQ(all["items"].size(), 2u);
  auto web = api::endpoint_slice_list(endpoints, "kubernetes.io/service-name=web");
  ASSERT_EQ(web["items"].size(), 1u);
  const auto& slice = web["items"][0];
  EXPECT_EQ(slice["addressType"], "IPv4");
  EXPECT_EQ(slice["metadata"]["labels"]["kubernetes.io/service-name"], "web");
  EXPECT_EQ(slice["ports"], json::parse(R"([{"name": "http", "port": 5000, "protocol": "TCP"}])"));
  ASSERT_EQ(slice["endpoints"].size(), 2u);
  EXPECT_EQ(slice["endpoints"][0]["addresses"], json({"10.0.0.1"}));
  EXPECT_EQ(slice["endpoints"][0]["conditions"]["ready"], true);
  EXPECT_EQ(slice["endpoints"][0]["targetRef"]["name"], "web-a");
  EXPECT_EQ(slice["endpoints"][1]["conditions"]["ready"], false);
  EXPECT_TRUE(api::endpoint_slice_list(endpoints, "a in (").is_null());
}

TEST(routes, core_events_are_a_kind_events_k8s_io_and_endpoint_slices_read_only_views) {
  auto events = api::parse_route("/api/v1/namespaces/default/events/one");
  ASSERT_TRUE(events);
  EXPECT_EQ(events->what, api::route::target::resource) << "core Events are a kind";
  EXPECT_EQ(events->kind->kind, "Event");
  auto new_events = api::parse_route("/apis/events.k8s.io/v1/events");
  ASSERT_TRUE(new_events);
  EXPECT_EQ(new_events->what, api::route::target::events);
  EXPECT_EQ(new_events->path, "events.k8s.io/v1");
  auto slices = api::parse_route("/apis/discovery.k8s.io/v1/namespaces/ns/endpointslices");
  ASSERT_TRUE(slices);
  EXPECT_EQ(slices->what, api::route::target::endpoint_slices);
  EXPECT_EQ(slices->ns, "ns");
  EXPECT_FALSE(api::parse_route("/apis/events.k8s.io/v1/namespaces/default/events/one"));
  auto scale = api::parse_route("/apis/apps/v1/namespaces/default/replicasets/web/scale");
  ASSERT_TRUE(scale);
  EXPECT_EQ(scale->subresource, "scale");
  auto log = api::parse_route("/api/v1/namespaces/default/pods/web/log");
  ASSERT_TRUE(log);
  EXPECT_EQ(log->subresource, "log");
}

// /namespaces, /namespaces/{name} and its status and finalize are Namespace objects;
// /namespaces/{namespace}/{resource}... is inside one.
TEST(routes, namespaces_are_objects_and_scopes) {
  auto all = api::parse_route("/api/v1/namespaces");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->kind->kind, "Namespace");
  EXPECT_EQ(all->ns, "");
  EXPECT_EQ(all->name, "");
  auto one = api::parse_route("/api/v1/namespaces/team");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->kind->kind, "Namespace");
  EXPECT_EQ(one->name, "team");
  for (const char* sub : {"status", "finalize"}) {
    auto subresource = api::parse_route(std::string("/api/v1/namespaces/team/") + sub);
    ASSERT_TRUE(subresource) << sub;
    EXPECT_EQ(subresource->kind->kind, "Namespace");
    EXPECT_EQ(subresource->subresource, sub);
  }
  auto inside = api::parse_route("/api/v1/namespaces/team/pods");
  ASSERT_TRUE(inside);
  EXPECT_EQ(inside->kind->kind, "Pod");
  EXPECT_EQ(inside->ns, "team");
  EXPECT_FALSE(api::parse_route("/apis/apps/v1/namespaces/team")) << "namespaces are core";
}

TEST(kubeconfig, points_at_the_configured_api) {
  app::config c;
  c.api_address = "0.0.0.0";
  c.api_port = 3456;
  EXPECT_EQ(app::api_url(c), "http://127.0.0.1:3456");
  auto text = app::kubeconfig_for(c);
  EXPECT_NE(text.find("server: \"http://127.0.0.1:3456\""), std::string::npos) << text;
  EXPECT_NE(text.find("current-context: orkest"), std::string::npos);
  EXPECT_EQ(text.find("token"), std::string::npos);
  c.api_token = "s3cret";
  c.tls_cert_file = "/etc/orkest/cert.pem";
  c.api_address = "10.0.0.5";
  text = app::kubeconfig_for(c);
  EXPECT_NE(text.find("server: \"https://10.0.0.5:3456\""), std::string::npos) << text;
  EXPECT_NE(text.find("token: \"s3cret\""), std::string::npos);
  EXPECT_NE(text.find("certificate-authority: \"/etc/orkest/cert.pem\""), std::string::npos);
}

}  // namespace
}  // namespace orkest::testing

namespace orkest::model {
namespace {

using nlohmann::json;

TEST(strategic_merge, keyed_lists_merge_by_name_and_directives_apply) {
  auto original = json::parse(R"({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}})");
  auto merged = strategic_merge(original, json::parse(
      R"({"spec": {"containers": [{"name": "a", "image": "z"}, {"name": "b", "$patch": "delete"}]}})"));
  EXPECT_EQ(merged, json::parse(R"({"spec": {"containers": [{"name": "a", "image": "z"}]}})"));
  auto replaced = strategic_merge(original, json::parse(R"({"spec": {"$patch": "replace", "replicas": 2}})"));
  EXPECT_EQ(replaced, json::parse(R"({"spec": {"replicas": 2}})"));
}

// Found by the fuzzer: a `$patch` that is not a string threw from inside the merge.
TEST(strategic_merge, a_directive_that_is_not_a_string_is_no_directive) {
  auto original = json::parse(R"({"metadata": {"labels": {"a": "1"}}})");
  auto merged = strategic_merge(original, json::parse(R"({"metadata": {"labels": {"b": "2"}, "$patch": {"x": 1}}})"));
  EXPECT_EQ(merged, json::parse(R"({"metadata": {"labels": {"a": "1", "b": "2"}}})"));
  EXPECT_NO_THROW(strategic_merge(original, json::parse(R"({"spec": {"containers": [{"name": "a", "$patch": 7}]}})")));
}

}  // namespace
}  // namespace orkest::model
