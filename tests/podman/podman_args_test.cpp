#include "podman/podman_args.hpp"

#include <gtest/gtest.h>

#include <random>

#include "tests/podman/podman_option_reader.hpp"

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
            (args{"create", "--name=default_web", "--restart=no", "--pull=never", "--", "health:latest"}));
}

TEST(CreateArgs, CarriesHostnameNetworkAliasesLabelsAndEnv) {
  container_spec spec = minimal_spec();
  spec.hostname = "web";
  spec.network = "orkest";
  spec.network_aliases = {"web", "web.default"};
  spec.labels = {{label_managed_by, "orkest"}, {label_pod_name, "web"}};
  spec.env = {{"HEALTH_SERVICE", "health-service:2000"}, {"EMPTY", ""}};
  spec.ports = {{"http", 5000, "TCP", 0, ""}};  // informational: nothing is published
  EXPECT_EQ(create_args(spec), (args{"create", "--name=default_web", "--restart=no", "--pull=never", "--hostname=web",
                                     "--network=orkest", "--network-alias=web", "--network-alias=web.default",
                                     "--label=io.orkest.managed-by=orkest", "--label=io.orkest.pod-name=web",
                                     "--env=HEALTH_SERVICE=health-service:2000", "--env=EMPTY=", "--",
                                     "health:latest"}));
}

TEST(CreateArgs, LimitsAsPodmanTakesThem) {
  container_spec spec = minimal_spec();
  spec.memory_limit_bytes = 67108864;
  spec.cpu_limit_millis = 1500;
  EXPECT_EQ(create_args(spec), (args{"create", "--name=default_web", "--restart=no", "--pull=never",
                                     "--memory=67108864", "--memory-swap=67108864", "--cpus=1.500", "--",
                                     "health:latest"}));
  spec.cpu_limit_millis = 10;
  EXPECT_EQ(create_args(spec)[6], "--cpus=0.010");
}

TEST(CreateArgs, SecurityContextAsPodmanTakesIt) {
  container_spec spec = minimal_spec();
  spec.user = "1000:3000";
  spec.groups = {2000, 4000};
  spec.read_only_root = true;
  spec.no_new_privileges = true;
  spec.capabilities_added = {"NET_BIND_SERVICE"};
  spec.capabilities_dropped = {"ALL"};
  EXPECT_EQ(create_args(spec),
            (args{"create", "--name=default_web", "--restart=no", "--pull=never", "--user=1000:3000", "--group-add=2000",
                  "--group-add=4000", "--read-only", "--read-only-tmpfs=false", "--security-opt=no-new-privileges",
                  "--cap-add=NET_BIND_SERVICE", "--cap-drop=ALL", "--", "health:latest"}));
}

TEST(CreateArgs, WorkingDirAndHostPorts) {
  container_spec spec = minimal_spec();
  spec.working_dir = "/srv/app";
  spec.ports = {{"http", 5000, "TCP", 8080, ""}, {"dns", 53, "UDP", 5353, "127.0.0.1"}, {"v6", 80, "TCP", 8081, "::1"},
                {"internal", 9000, "TCP", 0, ""}};
  EXPECT_EQ(create_args(spec), (args{"create", "--name=default_web", "--restart=no", "--pull=never", "--workdir=/srv/app",
                                     "--publish=8080:5000/tcp", "--publish=127.0.0.1:5353:53/udp",
                                     "--publish=[::1]:8081:80/tcp", "--", "health:latest"}));
}

TEST(CreateArgs, VolumeMountsAreBindMountsInOrder) {
  container_spec spec = minimal_spec();
  spec.mounts = {{"/var/lib/orkest/pods/u1/volumes/kubernetes.io~empty-dir/cache", "/cache", false},
                 {"/srv/shared", "/data", true}};
  EXPECT_EQ(create_args(spec),
            (args{"create", "--name=default_web", "--restart=no", "--pull=never",
                  "--mount=type=bind,source=/var/lib/orkest/pods/u1/volumes/kubernetes.io~empty-dir/cache,destination=/cache",
                  "--mount=type=bind,source=/srv/shared,destination=/data,ro=true", "--", "health:latest"}));
}

TEST(NonRootViolation, TheKubeletsWordsForEachWayToRunAsRoot) {
  EXPECT_EQ(non_root_violation("", ""), "container has runAsNonRoot and image will run as root");
  EXPECT_EQ(non_root_violation("", "root"), "container has runAsNonRoot and image will run as root");
  EXPECT_EQ(non_root_violation("", "0:0"), "container has runAsNonRoot and image will run as root");
  EXPECT_EQ(non_root_violation("0", "1000"), "container's runAsUser breaks non-root policy");
  EXPECT_EQ(non_root_violation("", "nobody"),
            "container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root");
  EXPECT_FALSE(non_root_violation("", "1000:1000"));
  EXPECT_FALSE(non_root_violation("1000", ""));
  EXPECT_EQ(non_root_violation(":3000", ""), "container has runAsNonRoot and image will run as root")
      << "a group alone: the image's user decides";
  EXPECT_FALSE(non_root_violation(":3000", "1000"));
}

// runAsGroup without runAsUser: the image's user, in that group.
TEST(EffectiveUser, AGroupAloneTakesTheImagesUser) {
  EXPECT_EQ(effective_user(":3000", "nobody"), "nobody:3000");
  EXPECT_EQ(effective_user(":3000", "1000:1000"), "1000:3000");
  EXPECT_EQ(effective_user(":3000", ""), "0:3000");
  EXPECT_EQ(effective_user("1000:3000", "nobody"), "1000:3000");
  EXPECT_EQ(effective_user("", "nobody"), "") << "no user of the spec's: podman runs the image's";
  container_spec spec;
  spec.user = ":3000";
  EXPECT_TRUE(needs_image_user(spec));
  spec.user = "1000";
  EXPECT_FALSE(needs_image_user(spec));
  spec.run_as_non_root = true;
  EXPECT_FALSE(needs_image_user(spec));
  spec.user = "";
  EXPECT_TRUE(needs_image_user(spec));
}

// Kubernetes: command replaces ENTRYPOINT, args replace CMD.
TEST(CreateArgs, CommandBecomesTheEntrypointAsAJsonArray) {
  container_spec spec = minimal_spec();
  spec.command = {"sh", "-c", "echo \"$0\" done"};
  args result = create_args(spec);
  args tail(result.end() - 3, result.end());
  EXPECT_EQ(tail, (args{R"(--entrypoint=["sh","-c","echo \"$0\" done"])", "--", "health:latest"}));
}

TEST(CreateArgs, ArgsFollowTheImage) {
  container_spec spec = minimal_spec();
  spec.command = {"echo"};
  spec.args = {"-n", "hello world"};
  args result = create_args(spec);
  args tail(result.end() - 5, result.end());
  EXPECT_EQ(tail, (args{R"(--entrypoint=["echo"])", "--", "health:latest", "-n", "hello world"}));
}

TEST(CreateArgs, ArgsAloneKeepTheImageEntrypoint) {
  container_spec spec = minimal_spec();
  spec.args = {"sleep", "5"};
  args result = create_args(spec);
  EXPECT_TRUE(testing::values_of(testing::read_like_podman(result), "--entrypoint").empty());
  EXPECT_EQ(args(result.end() - 4, result.end()), (args{"--", "health:latest", "sleep", "5"}));
}

// The image field once became a podman option ("--privileged" as the image, the real image as
// the first argument): whatever the API hands over, a user value never stands where podman
// reads an option, and every value lands in the option or position it was meant for.
std::string hostile_string(std::mt19937& random) {
  static const std::vector<std::string> atoms = {
      "--privileged", "-v=/:/host", "--", "-", "=", "--env", "health:latest", " ", "\n", "a", "--network=host",
      "-it", "$(id)", ";", "\"", "'", "--name", "x=y", ""};
  std::string out;
  for (int n = std::uniform_int_distribution<int>(1, 3)(random); n > 0; --n)
    out += atoms[std::uniform_int_distribution<std::size_t>(0, atoms.size() - 1)(random)];
  return out;
}

TEST(CreateArgs, NoUserValueEverStandsWhereAnOptionIsRead) {
  std::mt19937 random(12345);  // fixed: the same 2,000 specs every run
  for (int round = 0; round < 2000; ++round) {
    container_spec spec;
    spec.name = hostile_string(random);
    spec.image = hostile_string(random);
    spec.hostname = hostile_string(random);
    spec.network_aliases = {hostile_string(random)};
    spec.labels = {{hostile_string(random), hostile_string(random)}};
    spec.env = {{hostile_string(random), hostile_string(random)}};
    for (int n = round % 3; n > 0; --n) spec.command.push_back(hostile_string(random));
    for (int n = round % 4; n > 0; --n) spec.args.push_back(hostile_string(random));
    for (const auto& built : {create_args(spec), run_args(spec)}) {
      const auto read = testing::read_like_podman(built);
      ASSERT_EQ(read.error, "") << "image \"" << spec.image << "\"";
      ASSERT_FALSE(read.positionals.empty());
      EXPECT_EQ(read.positionals[0], spec.image);
      EXPECT_EQ(args(read.positionals.begin() + 1, read.positionals.end()), spec.args);
      EXPECT_EQ(testing::values_of(read, "--name"), args{spec.name});
      EXPECT_EQ(testing::values_of(read, "--hostname").size(), spec.hostname.empty() ? 0u : 1u);
      EXPECT_EQ(testing::values_of(read, "--env"), args{spec.env[0].first + "=" + spec.env[0].second});
      EXPECT_EQ(testing::values_of(read, "--restart"), args{"no"});
      EXPECT_EQ(testing::values_of(read, "--pull"), args{"never"});
    }
  }
}

TEST(ListArgs, FiltersOnEveryLabel) {
  EXPECT_EQ(list_args({{"a", "1"}, {"b", "2"}}),
            (args{"ps", "--all", "--quiet", "--no-trunc", "--filter", "label=a=1", "--filter", "label=b=2"}));
  EXPECT_EQ(list_args({}), (args{"ps", "--all", "--quiet", "--no-trunc"}));
}

TEST(LogsArgs, MapsEveryOption) {
  EXPECT_EQ(logs_args("abc", {}), (args{"logs", "--", "abc"}));
  log_options options;
  options.timestamps = true;
  options.tail_lines = 10;
  options.since_seconds = 60;
  EXPECT_EQ(logs_args("abc", options),
            (args{"logs", "--timestamps", "--tail=10", "--since=60s", "--", "abc"}));
  options = {};
  options.since_time = "--until=x";
  options.until_time = "-f";
  EXPECT_EQ(logs_args("abc", options, true), (args{"logs", "--follow", "--since=--until=x", "--until=-f", "--", "abc"}));
}

TEST(EventsArgs, FollowOnlyOrkestContainers) {
  EXPECT_EQ(events_args(), (args{"events", "--format", "json", "--filter", "type=container", "--filter",
                                 "label=io.orkest.managed-by=orkest"}));
}

}  // namespace
}  // namespace orkest::podman

namespace orkest::podman {
namespace {

TEST(ExecArgs, TheCommandFollowsTheContainerAsSeparateWords) {
  using args = std::vector<std::string>;
  EXPECT_EQ(exec_args("abc", {"--privileged", "sh", "-c", "x; y"}),
            (args{"exec", "--", "abc", "--privileged", "sh", "-c", "x; y"}))
      << "a probe's command never becomes an option of podman's";
}

}  // namespace
}  // namespace orkest::podman
