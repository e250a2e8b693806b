// Events on the deterministic scheduler: what a pod's life and a ReplicaSet record, repeats
// folded into one Event, the limit and the time to live.

#include <algorithm>

#include "tests/actors/actor_test_support.hpp"

namespace orkest::testing {
namespace {

json pod_manifest(const std::string& name, const std::string& image = "busybox:1.35") {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}}},
          {"spec", {{"containers", {{{"name", "app"}, {"image", image}, {"imagePullPolicy", "IfNotPresent"}}}}}}};
}

class event_recorder_test : public control_plane_actors {
 protected:
  std::vector<json> events(const std::string& field_selector = {}) {
    auto result = ask(actors::list_atom::value, store::list_request{"Event", "", "", field_selector});
    return items_of(result);
  }
  std::vector<std::string> reasons_for(const std::string& name) {
    auto found = events("involvedObject.name=" + name);
    std::sort(found.begin(), found.end(), [](const json& a, const json& b) {
      return std::stoull(a["metadata"]["resourceVersion"].get<std::string>()) <
             std::stoull(b["metadata"]["resourceVersion"].get<std::string>());
    });
    std::vector<std::string> reasons;
    for (const auto& event : found) reasons.push_back(event["reason"]);
    return reasons;
  }
};

TEST_F(event_recorder_test, a_pod_that_starts_records_what_the_kubelet_and_scheduler_would) {
  ASSERT_TRUE(create(pod_manifest("web")).ok());
  run();
  EXPECT_EQ(reasons_for("web"), (std::vector<std::string>{"Scheduled", "Pulled", "Created", "Started"}));
  auto started = events("reason=Started");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0]["message"], "Started container app");
  EXPECT_EQ(started[0]["type"], "Normal");
  EXPECT_EQ(started[0]["source"]["component"], "kubelet");
  EXPECT_EQ(started[0]["involvedObject"]["fieldPath"], "spec.containers{app}");
  EXPECT_EQ(started[0]["involvedObject"]["uid"], get("Pod", "web").object["metadata"]["uid"]);
  EXPECT_EQ(events("reason=Scheduled")[0]["source"]["component"], "default-scheduler");
}

TEST_F(event_recorder_test, a_crash_loop_counts_its_back_offs_in_one_event) {
  ASSERT_TRUE(create(pod_manifest("crash")).ok());
  run();
  auto pod = get("Pod", "crash").object;
  auto id = pod["status"]["containerStatuses"][0]["containerID"].get<std::string>().substr(9);
  for (int i = 0; i < 3; ++i) {
    runtime->kill(id, 1);
    deliver_runtime_events();
    advance_time(std::chrono::minutes(6));  // past any back-off
    deliver_runtime_events();
  }
  auto back_offs = events("reason=BackOff");
  ASSERT_EQ(back_offs.size(), 1u) << "one Event, counted";
  EXPECT_GE(back_offs[0]["count"].get<int>(), 2);
  EXPECT_EQ(back_offs[0]["type"], "Warning");
  EXPECT_NE(back_offs[0]["firstTimestamp"], nullptr);
}

TEST_F(event_recorder_test, a_missing_image_is_a_warning_naming_it) {
  runtime->set_image_missing("nowhere:1");
  auto manifest = pod_manifest("lost", "nowhere:1");
  manifest["spec"]["containers"][0]["imagePullPolicy"] = "Never";
  ASSERT_TRUE(create(manifest).ok());
  run();
  auto never = events("reason=ErrImageNeverPull");
  ASSERT_EQ(never.size(), 1u);
  EXPECT_EQ(never[0]["message"], "Container image \"nowhere:1\" is not present with pull policy of Never");
  EXPECT_EQ(never[0]["type"], "Warning");
}

TEST_F(event_recorder_test, a_replicaset_records_its_creations_and_deletions) {
  ASSERT_TRUE(create(json::parse(R"({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web"},
      "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
               "template": {"metadata": {"labels": {"app": "web"}},
                            "spec": {"containers": [{"name": "web", "image": "busybox:1.35"}]}}}})")).ok());
  run();
  auto created = events("involvedObject.kind=ReplicaSet,reason=SuccessfulCreate");
  ASSERT_EQ(created.size(), 2u);
  EXPECT_EQ(created[0]["source"]["component"], "replicaset-controller");
  EXPECT_EQ(created[0]["message"].get<std::string>().rfind("Created pod: web-", 0), 0u);
  auto rs = get("ReplicaSet", "web").object;
  rs["spec"]["replicas"] = 1;
  ASSERT_TRUE(update(rs).ok());
  run();
  EXPECT_EQ(events("involvedObject.kind=ReplicaSet,reason=SuccessfulDelete").size(), 1u);
}

// A node that keeps three events at most, an hour each.
class event_recorder_limits_test : public event_recorder_test {
 protected:
  void configure(actors::control_plane_settings& settings) override {
    settings.events.limit = 3;
    settings.events.ttl = std::chrono::seconds(3600);
  }
};

TEST_F(event_recorder_limits_test, beyond_the_limit_the_oldest_events_go) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(create(pod_manifest("p" + std::to_string(i))).ok());
    run();
  }
  EXPECT_LE(events().size(), 3u) << "16 events recorded, 3 kept";
  // The kept ones are the newest: the last pod's Started is among them.
  EXPECT_EQ(events("involvedObject.name=p3,reason=Started").size(), 1u);
}

TEST_F(event_recorder_limits_test, events_older_than_their_time_to_live_are_swept) {
  json old_event = json::parse(R"({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "old.1"},
      "involvedObject": {"kind": "Pod", "name": "gone", "namespace": "default"}, "reason": "Started",
      "type": "Normal", "count": 1, "firstTimestamp": "2020-01-01T00:00:00Z", "lastTimestamp": "2020-01-01T00:00:00Z"})");
  ASSERT_TRUE(create(old_event).ok());
  EXPECT_EQ(events().size(), 1u);
  advance_time(std::chrono::seconds(60));  // the periodic sweep
  EXPECT_TRUE(events().empty());
}

}  // namespace
}  // namespace orkest::testing
