// Events as recorded: their shape, repeats folded into one, and which go when.

#include "control/event_log.hpp"

#include <gtest/gtest.h>

#include "model/timestamp.hpp"

namespace orkest::control {
namespace {

using nlohmann::json;

json pod() {
  return json::parse(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "team",
                          "uid": "u1", "resourceVersion": "7"}})");
}

event_note note(const std::string& reason = "Started", const std::string& message = "Started container web") {
  return {reference_to(pod(), "spec.containers{web}"), "Normal", reason, message, "kubelet", "node-1"};
}

TEST(EventLog, ANewEventIsKubernetesShaped) {
  auto event = new_event(note(), "web.abc", "2026-11-30T10:00:00Z");
  EXPECT_EQ(event["metadata"]["namespace"], "team");
  EXPECT_EQ(event["involvedObject"]["kind"], "Pod");
  EXPECT_EQ(event["involvedObject"]["uid"], "u1");
  EXPECT_EQ(event["involvedObject"]["fieldPath"], "spec.containers{web}");
  EXPECT_EQ(event["source"], json({{"component", "kubelet"}, {"host", "node-1"}}));
  EXPECT_EQ(event["count"], 1);
  EXPECT_EQ(event["firstTimestamp"], event["lastTimestamp"]);
  EXPECT_EQ(event["type"], "Normal");
}

TEST(EventLog, AnEventAboutAClusterScopedObjectLivesInDefault) {
  event_note about_node{reference_to(json::parse(R"({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}})")),
                        "Normal", "NodeNotReady", "Node n1 status is now: NodeNotReady", "node-controller", ""};
  auto event = new_event(about_node, "n1.abc", "2026-11-30T10:00:00Z");
  EXPECT_EQ(event["metadata"]["namespace"], "default");
  EXPECT_EQ(event["involvedObject"]["namespace"], "");
}

TEST(EventLog, ARepeatCountsAndMovesLastSeenOnly) {
  auto event = repeated_event(new_event(note(), "web.abc", "2026-11-30T10:00:00Z"), "2026-11-30T10:05:00Z");
  EXPECT_EQ(event["count"], 2);
  EXPECT_EQ(event["firstTimestamp"], "2026-11-30T10:00:00Z");
  EXPECT_EQ(event["lastTimestamp"], "2026-11-30T10:05:00Z");
}

TEST(EventLog, OnlyIdenticalEventsShareAKey) {
  EXPECT_EQ(aggregation_key(note()), aggregation_key(note()));
  EXPECT_NE(aggregation_key(note()), aggregation_key(note("Started", "Started container other")));
  EXPECT_NE(aggregation_key(note()), aggregation_key(note("Killing")));
  auto other_pod = note();
  other_pod.involved["uid"] = "u2";  // a new pod of the same name
  EXPECT_NE(aggregation_key(note()), aggregation_key(other_pod));
}

json event_seen(const std::string& name, const std::string& last) {
  return {{"metadata", {{"name", name}, {"namespace", "default"}}}, {"lastTimestamp", last}};
}

TEST(EventLog, ExpiredEventsGoThenTheOldestBeyondTheLimit) {
  const auto now = *model::parse_rfc3339("2026-11-30T12:00:00Z");
  const std::vector<json> events = {event_seen("expired", "2026-11-30T10:59:59Z"), event_seen("old", "2026-11-30T11:00:01Z"),
                                    event_seen("newer", "2026-11-30T11:30:00Z"), event_seen("newest", "2026-11-30T11:59:00Z"),
                                    event_seen("timeless", "")};
  using dropped = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(events_to_drop(events, now, std::chrono::hours(1), 10),
            (dropped{{"default", "expired"}, {"default", "timeless"}}));
  EXPECT_EQ(events_to_drop(events, now, std::chrono::hours(1), 2),
            (dropped{{"default", "expired"}, {"default", "timeless"}, {"default", "old"}}));
  EXPECT_TRUE(events_to_drop({event_seen("a", "2026-11-30T11:59:00Z")}, now, std::chrono::hours(1), 1).empty());
}

}  // namespace
}  // namespace orkest::control
