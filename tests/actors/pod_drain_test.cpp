// A deleted pod's container gets its SIGTERM only after the endpoint drain, so Services have
// taken it out of their backends first; a pod removed outright (grace 0) stops at once.

#include "tests/actors/actor_test_support.hpp"

namespace orkest::testing {
namespace {

class pod_drain_test : public control_plane_actors {
 protected:
  void configure(actors::control_plane_settings& settings) override {
    settings.pods.pod.endpoint_drain = std::chrono::milliseconds(300);
  }
  json pod_manifest() {
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", "web"}}},
            {"spec", {{"containers", {{{"name", "web"}, {"image", "web:v1"}}}}}}};
  }
};

TEST_F(pod_drain_test, the_container_runs_on_through_the_drain_then_stops) {
  ASSERT_TRUE(create(pod_manifest()).ok());
  run();
  ASSERT_EQ(running_containers().size(), 1u);
  ASSERT_TRUE(remove("Pod", "web").ok());  // grace 30 s
  run();
  EXPECT_EQ(running_containers().size(), 1u) << "still serving the connections it has";
  advance_time(std::chrono::milliseconds(200));
  EXPECT_EQ(running_containers().size(), 1u);
  advance_time(std::chrono::milliseconds(100));
  EXPECT_TRUE(running_containers().empty());
  EXPECT_FALSE(get("Pod", "web").ok()) << "and the pod is gone";
}

TEST_F(pod_drain_test, a_pod_deleted_with_no_grace_stops_at_once) {
  ASSERT_TRUE(create(pod_manifest()).ok());
  run();
  store::delete_options now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(remove("Pod", "web", "default", now).ok());
  run();
  EXPECT_TRUE(running_containers().empty());
}

}  // namespace
}  // namespace orkest::testing
