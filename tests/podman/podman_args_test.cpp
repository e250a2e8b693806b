#include "podman/podman_args.hpp"

#include <gtest/gtest.h>

namespace orkest::podman {
namespace {

using args = std::vector<std::string>;

container_spec minimal_spec() {
  container_spec spec;
  spec.name = "default_web";
  spec.image = "health:latest";
  return spec;
}

TEST(CreateArgs, MinimalSpecNeverRestartsNorPulls) {
  EXPECT_EQ(create_args(minimal_spec()),
            (args{"create", "--name", "default_web", "--restart=no", "--pull=never", "health:latest"}));
}

TEST(CreateArgs, CarriesHostnameNetworkAliasesLabelsAndEnv) {
  container_spec spec = minimal_spec();
  spec.hostname = "web";
  spec.network = "orkest";
  spec.network_aliases = {"web", "web.default"};
  spec.labels = {{label_managed_by, "orkest"}, {label_pod_name, "web"}};
  spec.env = {{"HEALTH_SERVICE", "health-service:2000"}, {"EMPTY", ""}};
  spec.ports = {{"http", 5000, "TCP"}};  // informational: nothing is published
  EXPECT_EQ(create_args(spec), (args{"create",
                                     "--name",
                                     "default_web",
                                     "--restart=no",
                                     "--pull=never",
                                     "--hostname",
                                     "web",
                                     "--network",
                                     "orkest",
                                     "--network-alias",
                                     "web",
                                     "--network-alias",
                                     "web.default",
                                     "--label",
                                     "io.orkest.managed-by=orkest",
                                     "--label",
                                     "io.orkest.pod-name=web",
                                     "--env",
                                     "HEALTH_SERVICE=health-service:2000",
                                     "--env",
                                     "EMPTY=",
                                     "health:latest"}));
}

// Kubernetes: command replaces ENTRYPOINT, args replace CMD.
TEST(CreateArgs, CommandBecomesTheEntrypointAsAJsonArray) {
  container_spec spec = minimal_spec();
  spec.command = {"sh", "-c", "echo \"$0\" done"};
  args result = create_args(spec);
  args tail(result.end() - 3, result.end());
  EXPECT_EQ(tail, (args{"--entrypoint", R"(["sh","-c","echo \"$0\" done"])", "health:latest"}));
}

TEST(CreateArgs, ArgsFollowTheImage) {
  container_spec spec = minimal_spec();
  spec.command = {"echo"};
  spec.args = {"-n", "hello world"};
  args result = create_args(spec);
  args tail(result.end() - 5, result.end());
  EXPECT_EQ(tail, (args{"--entrypoint", R"(["echo"])", "health:latest", "-n", "hello world"}));
}

TEST(CreateArgs, ArgsAloneKeepTheImageEntrypoint) {
  container_spec spec = minimal_spec();
  spec.args = {"sleep", "5"};
  args result = create_args(spec);
  EXPECT_EQ(std::find(result.begin(), result.end(), "--entrypoint"), result.end());
  EXPECT_EQ(args(result.end() - 3, result.end()), (args{"health:latest", "sleep", "5"}));
}

TEST(ListArgs, FiltersOnEveryLabel) {
  EXPECT_EQ(list_args({{"a", "1"}, {"b", "2"}}),
            (args{"ps", "--all", "--quiet", "--no-trunc", "--filter", "label=a=1", "--filter", "label=b=2"}));
  EXPECT_EQ(list_args({}), (args{"ps", "--all", "--quiet", "--no-trunc"}));
}

TEST(LogsArgs, MapsEveryOption) {
  EXPECT_EQ(logs_args("abc", {}), (args{"logs", "abc"}));
  log_options options;
  options.timestamps = true;
  options.tail_lines = 10;
  options.since_seconds = 60;
  EXPECT_EQ(logs_args("abc", options),
            (args{"logs", "--timestamps", "--tail", "10", "--since", "60s", "abc"}));
}

TEST(EventsArgs, FollowOnlyOrkestContainers) {
  EXPECT_EQ(events_args(), (args{"events", "--format", "json", "--filter", "type=container", "--filter",
                                 "label=io.orkest.managed-by=orkest"}));
}

}  // namespace
}  // namespace orkest::podman
