// Server-side printing (api/table.cpp): the Table kubectl asks for, cell by cell as
// Kubernetes' printers make them, and the Accept header that asks for it.

#include <gtest/gtest.h>

#include "api/table.hpp"
#include "model/resource_kind.hpp"
#include "model/timestamp.hpp"

namespace orkest::testing {
namespace {

using api::include_object;
using model::parse_rfc3339;
using api::table_cells;
using api::table_options;
using api::table_version_wanted;
using api::to_table;
using nlohmann::json;

const model::resource_kind& kind(const char* name) { return *model::find_kind(name); }

// 2026-11-22T12:00:00Z
std::chrono::system_clock::time_point noon() { return *parse_rfc3339("2026-11-22T12:00:00Z"); }

json running_pod() {
  return json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web-abcde", "namespace": "default", "resourceVersion": "7",
                 "creationTimestamp": "2026-11-22T11:55:00Z", "labels": {"app": "web"}},
    "spec": {"nodeName": "node-1", "containers": [{"name": "web", "image": "health:latest"}]},
    "status": {"phase": "Running", "podIP": "10.89.0.5",
               "conditions": [{"type": "Ready", "status": "True"}],
               "containerStatuses": [{"name": "web", "ready": true, "restartCount": 0,
                                      "state": {"running": {"startedAt": "2026-11-22T11:55:01Z"}}}]}})");
}

TEST(table_accept, kubectl_get_asks_for_a_v1_table) {
  EXPECT_EQ(table_version_wanted("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
                                 "g=meta.k8s.io,application/json"),
            "meta.k8s.io/v1");
  EXPECT_EQ(table_version_wanted("application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json"),
            "meta.k8s.io/v1beta1");
  EXPECT_EQ(table_version_wanted("application/json; as=Table; g=meta.k8s.io; v=v1"), "meta.k8s.io/v1");
}

TEST(table_accept, plain_json_protobuf_and_other_shapes_are_not_tables) {
  EXPECT_EQ(table_version_wanted(""), std::nullopt);
  EXPECT_EQ(table_version_wanted("application/json"), std::nullopt);
  EXPECT_EQ(table_version_wanted("*/*"), std::nullopt);
  EXPECT_EQ(table_version_wanted("application/json, application/json;as=Table;v=v1;g=meta.k8s.io"), std::nullopt);
  EXPECT_EQ(table_version_wanted("application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json"),
            std::nullopt);
  EXPECT_EQ(table_version_wanted("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"),
            std::nullopt);
  EXPECT_EQ(table_version_wanted("application/json;as=Table;v=v2;g=meta.k8s.io"), std::nullopt);
}

TEST(table_pods, columns_are_kubernetes_pod_columns) {
  auto columns = api::table_columns(kind("Pod"));
  std::vector<std::pair<std::string, int>> names;
  for (const auto& column : columns) names.emplace_back(column["name"], column["priority"]);
  std::vector<std::pair<std::string, int>> expected = {
      {"Name", 0}, {"Ready", 0}, {"Status", 0}, {"Restarts", 0}, {"Age", 0},
      {"IP", 1},   {"Node", 1},  {"Nominated Node", 1}, {"Readiness Gates", 1}};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(columns[0]["format"], "name");
}

TEST(table_pods, a_running_pod) {
  EXPECT_EQ(table_cells(kind("Pod"), running_pod(), noon()),
            json({"web-abcde", "1/1", "Running", "0", "5m", "10.89.0.5", "node-1", "<none>", "<none>"}));
}

TEST(table_pods, a_waiting_container_shows_its_reason) {
  auto pod = running_pod();
  pod["status"]["phase"] = "Pending";
  pod["status"].erase("podIP");
  pod["status"]["containerStatuses"][0]["ready"] = false;
  pod["status"]["containerStatuses"][0]["state"] = {{"waiting", {{"reason", "ErrImageNeverPull"}}}};
  auto cells = table_cells(kind("Pod"), pod, noon());
  EXPECT_EQ(cells[1], "0/1");
  EXPECT_EQ(cells[2], "ErrImageNeverPull");
  EXPECT_EQ(cells[5], "<none>");
}

TEST(table_pods, restarts_say_when_the_last_one_was) {
  auto pod = running_pod();
  auto& status = pod["status"]["containerStatuses"][0];
  status["restartCount"] = 3;
  status["lastState"] = {{"terminated", {{"exitCode", 1}, {"finishedAt", "2026-11-22T11:58:00Z"}}}};
  EXPECT_EQ(table_cells(kind("Pod"), pod, noon())[3], "3 (2m ago)");
}

TEST(table_pods, terminated_containers_and_deleted_pods) {
  auto pod = running_pod();
  pod["status"]["phase"] = "Failed";
  pod["status"]["containerStatuses"][0]["ready"] = false;
  pod["status"]["containerStatuses"][0]["state"] = {{"terminated", {{"exitCode", 2}, {"reason", "Error"}}}};
  EXPECT_EQ(table_cells(kind("Pod"), pod, noon())[2], "Error");
  pod["status"]["containerStatuses"][0]["state"] = {{"terminated", {{"exitCode", 2}}}};
  EXPECT_EQ(table_cells(kind("Pod"), pod, noon())[2], "ExitCode:2");
  pod["status"]["containerStatuses"][0]["state"] = {{"terminated", {{"exitCode", 137}, {"signal", 9}}}};
  EXPECT_EQ(table_cells(kind("Pod"), pod, noon())[2], "Signal:9");

  auto deleted = running_pod();
  deleted["metadata"]["deletionTimestamp"] = "2026-11-22T12:00:30Z";
  EXPECT_EQ(table_cells(kind("Pod"), deleted, noon())[2], "Terminating");
}

TEST(table_pods, a_list_becomes_rows_with_partial_object_metadata) {
  json list = {{"kind", "PodList"},
               {"apiVersion", "v1"},
               {"metadata", {{"resourceVersion", "42"}}},
               {"items", {running_pod(), running_pod()}}};
  table_options options;
  options.now = noon();
  auto table = to_table(kind("Pod"), list, options);
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ(table["metadata"]["resourceVersion"], "42");
  ASSERT_EQ(table["rows"].size(), 2u);
  const auto& object = table["rows"][0]["object"];
  EXPECT_EQ(object["kind"], "PartialObjectMetadata");
  EXPECT_EQ(object["metadata"]["labels"]["app"], "web");
  EXPECT_FALSE(object.contains("spec"));
}

TEST(table_pods, one_object_is_a_table_of_one_row_with_its_version) {
  table_options options;
  options.now = noon();
  options.include = include_object::object;
  auto table = to_table(kind("Pod"), running_pod(), options);
  ASSERT_EQ(table["rows"].size(), 1u);
  EXPECT_EQ(table["metadata"]["resourceVersion"], "7");
  EXPECT_EQ(table["rows"][0]["object"], running_pod());
  options.include = include_object::none;
  EXPECT_FALSE(to_table(kind("Pod"), running_pod(), options)["rows"][0].contains("object"));
}

TEST(table_pods, finished_pods_carry_the_completed_condition) {
  auto pod = running_pod();
  pod["status"]["phase"] = "Succeeded";
  table_options options;
  options.now = noon();
  auto row = to_table(kind("Pod"), pod, options)["rows"][0];
  EXPECT_EQ(row["conditions"][0]["type"], "Completed");
}

TEST(table_replicasets, desired_current_ready_and_wide_columns) {
  auto rs = json::parse(R"({
    "metadata": {"name": "web", "creationTimestamp": "2026-11-20T09:00:00Z"},
    "spec": {"replicas": 3,
             "selector": {"matchLabels": {"app": "web", "tier": "front"},
                          "matchExpressions": [{"key": "env", "operator": "In", "values": ["b", "a"]}]},
             "template": {"spec": {"containers": [{"name": "web", "image": "health:latest"},
                                                  {"name": "side", "image": "ping:latest"}]}}},
    "status": {"replicas": 2, "readyReplicas": 1}})");
  auto cells = table_cells(kind("ReplicaSet"), rs, noon());
  EXPECT_EQ(cells, json({"web", 3, 2, 1, "2d3h", "web,side", "health:latest,ping:latest",
                         "app=web,env in (a,b),tier=front"}));
  rs["status"] = json::object();
  EXPECT_EQ(table_cells(kind("ReplicaSet"), rs, noon())[2], 0);
}

TEST(table_services, cluster_ip_external_ip_ports_and_selector) {
  auto svc = json::parse(R"({
    "metadata": {"name": "health", "creationTimestamp": "2026-11-22T11:59:30Z"},
    "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.12", "clusterIPs": ["10.96.0.12"],
             "selector": {"app": "health", "a": "b"},
             "ports": [{"port": 2000, "targetPort": 5000, "protocol": "TCP"},
                       {"port": 53, "protocol": "UDP", "nodePort": 30053}]}})");
  EXPECT_EQ(table_cells(kind("Service"), svc, noon()),
            json({"health", "ClusterIP", "10.96.0.12", "<none>", "2000/TCP,53:30053/UDP", "30s", "a=b,app=health"}));
  svc["spec"]["type"] = "LoadBalancer";
  EXPECT_EQ(table_cells(kind("Service"), svc, noon())[3], "<pending>");
  svc["spec"].erase("ports");
  svc["spec"].erase("selector");
  auto cells = table_cells(kind("Service"), svc, noon());
  EXPECT_EQ(cells[4], "<none>");
  EXPECT_EQ(cells[6], "<none>");
}

TEST(table_endpoints, addresses_with_ports_at_most_three) {
  auto endpoints = json::parse(R"({
    "metadata": {"name": "health", "creationTimestamp": "2026-11-22T11:00:00Z"},
    "subsets": [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}], "ports": [{"port": 5000}]},
                {"addresses": [{"ip": "10.0.0.3"}, {"ip": "10.0.0.4"}], "ports": [{"port": 5000}]}]})");
  EXPECT_EQ(table_cells(kind("Endpoints"), endpoints, noon()),
            json({"health", "10.0.0.1:5000,10.0.0.2:5000,10.0.0.3:5000 + 1 more...", "60m"}));
  endpoints["subsets"] = json::array();
  EXPECT_EQ(table_cells(kind("Endpoints"), endpoints, noon())[1], "<none>");
}

TEST(table, age_of_an_object_without_a_timestamp_is_unknown) {
  EXPECT_EQ(table_cells(kind("Pod"), json::object(), noon())[4], "<unknown>");
}

}  // namespace
}  // namespace orkest::testing
