// runAsNonRoot on the deterministic scheduler: a container whose image runs as root is held in
// CreateContainerConfigError with the kubelet's message; one with a non-root user runs.

#include "tests/actors/actor_test_support.hpp"

namespace orkest::testing {
namespace {

class pod_security_test : public control_plane_actors {
 protected:
  json non_root_pod(const std::string& name, const std::string& image) {
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", name}}},
            {"spec",
             {{"securityContext", {{"runAsNonRoot", true}}},
              {"containers", {{{"name", "app"}, {"image", image}}}}}}};
  }
};

TEST_F(pod_security_test, run_as_non_root_refuses_an_image_that_runs_as_root) {
  runtime->set_image_user("app:nonroot", "1000");
  ASSERT_TRUE(create(non_root_pod("root", "app:root")).ok());
  ASSERT_TRUE(create(non_root_pod("user", "app:nonroot")).ok());
  run();
  const json waiting = get("Pod", "root").object["status"]["containerStatuses"][0]["state"]["waiting"];
  EXPECT_EQ(waiting["reason"], "CreateContainerConfigError");
  const std::string uid = get("Pod", "root").object["metadata"]["uid"];
  EXPECT_EQ(waiting["message"],
            "container has runAsNonRoot and image will run as root (pod: \"root_default(" + uid + ")\", container: app)");
  ASSERT_EQ(running_containers().size(), 1u);
  EXPECT_EQ(running_containers()[0].name, "orkest_default_user");
}

}  // namespace
}  // namespace orkest::testing
