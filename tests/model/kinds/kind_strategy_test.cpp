// The kind strategies (model/kinds/): every kind orkest serves has one, its names agree with
// discovery's lookups, and the generic code gets each kind's behaviour from it.

#include <gtest/gtest.h>

#include <set>

#include "model/kind_strategy.hpp"
#include "model/resource_kind.hpp"
#include "model/timestamp.hpp"

namespace orkest::testing {
namespace {

using model::all_strategies;
using model::find_kind;
using model::strategy_for;
using nlohmann::json;

TEST(kind_strategy, every_kind_has_one_with_unique_names_and_the_lookups_agree) {
  std::set<std::string> kinds, plurals, short_names;
  for (const auto& strategy : all_strategies()) {
    const auto& names = strategy.names;
    EXPECT_TRUE(kinds.insert(names.kind).second) << names.kind;
    EXPECT_TRUE(plurals.insert(names.group + "/" + names.plural).second) << names.plural;
    for (const auto& short_name : names.short_names) EXPECT_TRUE(short_names.insert(short_name).second) << short_name;
    EXPECT_EQ(names.list_kind, names.kind + "List");
    ASSERT_NE(find_kind(names.kind), nullptr) << names.kind;
    EXPECT_EQ(find_kind(names.kind)->plural, names.plural);
    EXPECT_EQ(&strategy_for(*find_kind(names.kind)), &strategy);
    EXPECT_NE(strategy.validate, nullptr) << names.kind << " accepts anything";
    // Kubernetes defaults no field of an Event or a ConfigMap.
    if (names.kind != "Event" && names.kind != "ConfigMap") EXPECT_NE(strategy.apply_defaults, nullptr) << names.kind;
    EXPECT_NE(strategy.schema, nullptr) << names.kind;
    // Printer columns and cells come together or not at all.
    EXPECT_EQ(strategy.table_columns == nullptr, strategy.table_cells == nullptr) << names.kind;
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"Pod", "ReplicaSet", "Deployment", "Service", "Endpoints", "Event",
                                          "ConfigMap", "Secret", "PersistentVolume", "PersistentVolumeClaim",
                                          "StorageClass", "Namespace", "Node", "Lease"}));
}

TEST(kind_strategy, an_unknown_kind_gets_a_strategy_that_does_nothing) {
  model::resource_kind unknown{"Widget", "WidgetList", "widgets", "widget", "", "v1", {}, true};
  const auto& strategy = strategy_for(unknown);
  EXPECT_EQ(strategy.validate, nullptr);
  EXPECT_EQ(strategy.initial_status, nullptr);
  EXPECT_FALSE(strategy.graceful_deletion);
}

TEST(kind_strategy, printer_columns_and_cells_have_the_same_width) {
  for (const auto& strategy : all_strategies()) {
    if (!strategy.table_columns) continue;
    auto columns = strategy.table_columns();
    auto cells = strategy.table_cells(json{{"metadata", {{"name", "x"}}}}, std::chrono::system_clock::now());
    EXPECT_EQ(columns.size(), cells.size()) << strategy.names.kind;
    // Every kind's table starts with its name, except Events': they start with Last Seen.
    EXPECT_EQ(columns[0]["name"], strategy.names.kind == "Event" ? "Last Seen" : "Name") << strategy.names.kind;
  }
}

TEST(kind_strategy, pods_and_replica_sets_refuse_changes_to_immutable_fields) {
  const auto& pod = strategy_for(*find_kind("Pod"));
  json stored = {{"spec", {{"containers", {{{"name", "c"}, {"image", "a"}}}}}}};
  json relabelled = stored;
  relabelled["metadata"] = {{"labels", {{"x", "y"}}}};
  EXPECT_TRUE(pod.validate_update(stored, relabelled).empty());
  json reimaged = stored;
  reimaged["spec"]["containers"][0]["image"] = "b";
  auto causes = pod.validate_update(stored, reimaged);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec");
  EXPECT_EQ(causes[0].reason, "FieldValueForbidden");

  const auto& replica_set = strategy_for(*find_kind("ReplicaSet"));
  json rs = {{"spec", {{"replicas", 1}, {"selector", {{"matchLabels", {{"app", "a"}}}}}}}};
  json scaled = rs;
  scaled["spec"]["replicas"] = 5;
  EXPECT_TRUE(replica_set.validate_update(rs, scaled).empty());
  json reselected = rs;
  reselected["spec"]["selector"]["matchLabels"]["app"] = "b";
  causes = replica_set.validate_update(rs, reselected);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec.selector");
  EXPECT_EQ(causes[0].reason, "FieldValueInvalid");
}

TEST(kind_strategy, the_store_behaviours_belong_to_the_kinds_that_have_them) {
  const auto& pod = strategy_for(*find_kind("Pod"));
  const auto& service = strategy_for(*find_kind("Service"));
  const auto& replica_set = strategy_for(*find_kind("ReplicaSet"));
  const auto& endpoints = strategy_for(*find_kind("Endpoints"));
  EXPECT_TRUE(pod.graceful_deletion && pod.bound_to_node && pod.has_log);
  EXPECT_TRUE(service.holds_cluster_ip);
  EXPECT_TRUE(replica_set.has_scale && replica_set.has_pod_template);
  EXPECT_FALSE(endpoints.has_status);
  EXPECT_EQ(pod.initial_status(json::object())["phase"], "Pending");
  EXPECT_EQ(pod.initial_status(json::object())["qosClass"], "BestEffort");
  EXPECT_EQ(replica_set.initial_status(json::object())["replicas"], 0);
  EXPECT_EQ(endpoints.initial_status, nullptr);
}

}  // namespace
}  // namespace orkest::testing

namespace orkest::model {
namespace {

TEST(kind_strategy, an_event_prints_as_kubectl_get_events_does) {
  const auto& strategy = strategy_for(*find_kind("Event"));
  auto event = nlohmann::json::parse(R"({"metadata": {"name": "web.17"}, "type": "Warning", "reason": "Unhealthy",
      "involvedObject": {"kind": "Pod", "name": "web", "fieldPath": "spec.containers{web}"},
      "message": "Liveness probe failed: HTTP probe failed with statuscode: 500\n",
      "source": {"component": "kubelet", "host": "node-1"}, "count": 3,
      "firstTimestamp": "2026-11-30T10:00:00Z", "lastTimestamp": "2026-11-30T10:04:00Z"})");
  auto now = *parse_rfc3339("2026-11-30T10:05:00Z");
  EXPECT_EQ(strategy.table_cells(event, now),
            nlohmann::json::array({"60s", "Warning", "Unhealthy", "pod/web", "spec.containers{web}", "kubelet, node-1",
                                   "Liveness probe failed: HTTP probe failed with statuscode: 500", "5m", 3, "web.17"}));
}

}  // namespace
}  // namespace orkest::model
