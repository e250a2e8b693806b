// podman_runtime against the real podman on this machine (conf/containers.conf, the example
// images from scripts/build-example-images.sh). Every container carries a label naming this
// test run and is removed after each test, whatever the test did; the test network is removed
// after the suite.

#include "podman/podman_runtime.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <regex>
#include <thread>

namespace orkest::podman {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

const std::string source_dir = ORKEST_SOURCE_DIR;
const std::string containers_conf = source_dir + "/conf/containers.conf";
const std::string run_id = std::to_string(::getpid());
const std::string prefix = "orkest-test-" + run_id + "-";
const std::string network = prefix + "net";
// Derived from the pid so that concurrent test runs do not ask for the same subnet.
const std::string subnet = "10.213." + std::to_string(::getpid() % 250) + ".0/24";
constexpr const char* run_label = "io.orkest.test-run";

podman_settings test_settings() {
  podman_settings settings;
  settings.containers_conf = containers_conf;
  return settings;
}

// podman itself, for what the runtime interface does not offer (kill, network rm).
process_result podman_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "podman");
  process_options options;
  options.env = {{"CONTAINERS_CONF", containers_conf}};
  return run_process(args, options);
}

template <class T>
const T& value(const runtime_result<T>& result) {
  if (auto* error = std::get_if<runtime_error>(&result))
    throw std::runtime_error(std::string("unexpected ") + reason_text(error->reason) + ": " + error->message);
  return std::get<T>(result);
}

std::string describe(const runtime_status& status) {
  return status ? std::string(reason_text(status->reason)) + ": " + status->message : "ok";
}

class PodmanRuntimeTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    process_options options;
    options.timeout = 5min;
    options.env = {{"CONTAINERS_CONF", containers_conf}};
    process_result built = run_process({source_dir + "/scripts/build-example-images.sh"}, options);
    if (!built.ok()) setup_error = "building the example images failed: " + built.err + built.spawn_error;
    podman_runtime runtime(test_settings());
    if (auto error = runtime.ensure_network(network, subnet)) setup_error = describe(error);
  }

  static void TearDownTestSuite() { podman_cli({"network", "rm", "--force", network}); }

  void SetUp() override { ASSERT_EQ(setup_error, "") << "suite setup failed"; }

  // Removes every container this test run created, even after a failed assertion.
  void TearDown() override {
    auto listed = runtime.list({{run_label, run_id}});
    if (auto* states = std::get_if<std::vector<container_state>>(&listed)) {
      for (const auto& state : *states) EXPECT_EQ(runtime.remove(state.id), std::nullopt);
    }
  }

  container_spec spec(const std::string& name, const std::string& image = "health:latest") {
    container_spec result;
    result.name = prefix + name;
    result.image = image;
    result.image_pull_policy = "Never";
    result.hostname = name;
    result.network = network;
    result.labels = {{run_label, run_id}};
    return result;
  }

  std::string create_and_start(const container_spec& s) {
    std::string id = value(runtime.create(s));
    EXPECT_EQ(runtime.start(id), std::nullopt);
    return id;
  }

  // Polls inspect until `done` holds; inspect is the only way to observe these states.
  container_state await_state(const std::string& id, const std::function<bool(const container_state&)>& done,
                              std::chrono::milliseconds timeout = 10s) {
    auto deadline = clock_type::now() + timeout;
    while (true) {
      container_state state = value(runtime.inspect(id));
      if (done(state) || clock_type::now() > deadline) return state;
      std::this_thread::sleep_for(50ms);
    }
  }

  container_state await_exit(const std::string& id) {
    return await_state(id, [](const container_state& s) { return s.status == container_status::exited; });
  }

  podman_runtime runtime{test_settings()};
  static std::string setup_error;
};

std::string PodmanRuntimeTest::setup_error;

const std::regex rfc3339_utc_pattern(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");

TEST_F(PodmanRuntimeTest, CheckPassesWithTheProjectConfiguration) {
  EXPECT_EQ(runtime.check(), std::nullopt) << describe(runtime.check());
}

TEST_F(PodmanRuntimeTest, EnsureNetworkIsIdempotent) {
  EXPECT_EQ(runtime.ensure_network(network, subnet), std::nullopt);
  EXPECT_EQ(runtime.ensure_network(network, subnet), std::nullopt);
  EXPECT_TRUE(podman_cli({"network", "exists", network}).ok());
  auto found = runtime.network_subnet(network);
  ASSERT_TRUE(std::holds_alternative<std::string>(found));
  EXPECT_EQ(std::get<std::string>(found), subnet) << "the subnet orkest picks pod addresses from";
}

TEST_F(PodmanRuntimeTest, HealthContainerLifecycle) {
  container_spec s = spec("health");
  s.network_aliases = {"health-alias"};
  s.env = {{"GREETING", "hello"}};
  std::string id = value(runtime.create(s));
  EXPECT_EQ(value(runtime.inspect(id)).status, container_status::created);

  ASSERT_EQ(runtime.start(id), std::nullopt);
  container_state running = value(runtime.inspect(s.name));  // by name works too
  EXPECT_EQ(running.id, id);
  EXPECT_EQ(running.name, s.name);
  EXPECT_EQ(running.status, container_status::running);
  EXPECT_EQ(running.image, "localhost/health:latest");
  EXPECT_EQ(running.labels.at(run_label), run_id);
  EXPECT_TRUE(std::regex_match(running.started_at, rfc3339_utc_pattern)) << running.started_at;
  EXPECT_EQ(running.finished_at, "");
  std::string subnet_prefix = subnet.substr(0, subnet.rfind('.') + 1);
  EXPECT_EQ(running.ip.rfind(subnet_prefix, 0), 0u) << running.ip;

  // The example image answers GET /health with its pod (host) name, reachable from the host.
  process_result answer;
  auto deadline = clock_type::now() + 10s;
  do {
    answer = run_process({"curl", "-s", "--max-time", "2", "http://" + running.ip + ":5000/health"}, {});
  } while (!answer.ok() && clock_type::now() < deadline && (std::this_thread::sleep_for(100ms), true));
  EXPECT_EQ(answer.out, "{\"status\":\"ok\",\"pod\":\"health\"}\n");

  // health-server.sh ends on SIGTERM, so stop does not wait out the grace period.
  auto stop_started = clock_type::now();
  EXPECT_EQ(runtime.stop(id, 10s), std::nullopt);
  EXPECT_LT(clock_type::now() - stop_started, 5s);
  container_state exited = value(runtime.inspect(id));
  EXPECT_EQ(exited.status, container_status::exited);
  EXPECT_EQ(exited.exit_code, 0);
  EXPECT_TRUE(std::regex_match(exited.finished_at, rfc3339_utc_pattern)) << exited.finished_at;
  EXPECT_EQ(runtime.stop(id, 1s), std::nullopt) << "stopping a stopped container succeeds";

  EXPECT_EQ(runtime.remove(id), std::nullopt);
  auto gone = runtime.inspect(id);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(gone));
  EXPECT_EQ(std::get<runtime_error>(gone).reason, runtime_reason::not_found);
  EXPECT_EQ(runtime.remove(id), std::nullopt) << "removing a missing container succeeds";
}

TEST_F(PodmanRuntimeTest, StopKillsAfterTheGracePeriod) {
  container_spec s = spec("stubborn");
  s.command = {"sleep", "1000"};  // PID 1 without a SIGTERM handler ignores SIGTERM
  std::string id = create_and_start(s);
  auto started = clock_type::now();
  EXPECT_EQ(runtime.stop(id, 1s), std::nullopt);
  auto took = clock_type::now() - started;
  EXPECT_GE(took, 1s);
  EXPECT_LT(took, 6s);
  container_state state = value(runtime.inspect(id));
  EXPECT_EQ(state.status, container_status::exited);
  EXPECT_EQ(state.exit_code, 137);
}

TEST_F(PodmanRuntimeTest, CommandReplacesEntrypointAndArgsReplaceCmd) {
  container_spec both = spec("both");
  both.command = {"echo", "from-command"};
  both.args = {"and", "args"};
  container_spec only_args = spec("only-args");
  only_args.args = {"echo", "only", "args"};  // the image has CMD only, so args are the command
  container_spec only_command = spec("only-command");
  only_command.command = {"echo", "no image CMD appended"};
  for (const container_spec* s : {&both, &only_args, &only_command}) create_and_start(*s);
  auto logs_of = [&](const container_spec& s) {
    await_exit(s.name);
    return value(runtime.logs(s.name, {}));
  };
  EXPECT_EQ(logs_of(both), "from-command and args\n");
  EXPECT_EQ(logs_of(only_args), "only args\n");
  EXPECT_EQ(logs_of(only_command), "no image CMD appended\n");
}

TEST_F(PodmanRuntimeTest, ExecRunsInTheContainerWithItsExitCodeOutputAndTimeout) {
  auto id = create_and_start(spec("exec"));
  auto ran = runtime.exec(id, {"sh", "-c", "echo out; echo err >&2; exit 3"}, 10s);
  ASSERT_TRUE(std::holds_alternative<exec_result>(ran)) << describe(std::get<runtime_error>(ran));
  EXPECT_EQ(std::get<exec_result>(ran).exit_code, 3);
  EXPECT_NE(std::get<exec_result>(ran).output.find("out\n"), std::string::npos);
  EXPECT_NE(std::get<exec_result>(ran).output.find("err\n"), std::string::npos);
  auto slow = runtime.exec(id, {"sleep", "30"}, 500ms);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(slow));
  EXPECT_EQ(std::get<runtime_error>(slow).reason, runtime_reason::timed_out);
  auto gone = runtime.exec(prefix + "no-such-container", {"true"}, 10s);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(gone));
  EXPECT_EQ(std::get<runtime_error>(gone).reason, runtime_reason::not_found);
}

TEST_F(PodmanRuntimeTest, EnvironmentAndHostnameReachTheContainer) {
  container_spec s = spec("env");
  s.command = {"sh", "-c", "echo \"$GREETING $(hostname)\""};
  s.env = {{"GREETING", "hello world"}};
  create_and_start(s);
  EXPECT_EQ(await_exit(s.name).exit_code, 0);
  EXPECT_EQ(value(runtime.logs(s.name, {})), "hello world env\n");
}

TEST_F(PodmanRuntimeTest, LogsInterleaveStreamsAndHonourOptions) {
  container_spec s = spec("logs");
  // conmon reads stdout and stderr from separate pipes: lines written at the same instant
  // may be logged in either order, so they are spaced out.
  s.command = {"sh", "-c", "echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three"};
  create_and_start(s);
  await_exit(s.name);
  EXPECT_EQ(value(runtime.logs(s.name, {})), "one\ntwo\nthree\n");

  log_options tail;
  tail.tail_lines = 1;
  EXPECT_EQ(value(runtime.logs(s.name, tail)), "three\n");

  log_options stamped;
  stamped.timestamps = true;
  std::string text = value(runtime.logs(s.name, stamped));
  EXPECT_TRUE(std::regex_search(text, std::regex(R"(^\d{4}-\d\d-\d\dT\S+ one\n)"))) << text;

  log_options recent;
  recent.since_seconds = 3600;
  EXPECT_EQ(value(runtime.logs(s.name, recent)), "one\ntwo\nthree\n");

  auto missing = runtime.logs(prefix + "no-such-container", {});
  ASSERT_TRUE(std::holds_alternative<runtime_error>(missing));
  EXPECT_EQ(std::get<runtime_error>(missing).reason, runtime_reason::not_found);
}

TEST_F(PodmanRuntimeTest, ListReturnsContainersCarryingAllLabels) {
  container_spec a = spec("list-a");
  a.labels["color"] = "blue";
  a.labels["size"] = "large";
  container_spec b = spec("list-b");
  b.labels["color"] = "blue";
  std::string a_id = create_and_start(a);
  value(runtime.create(b));

  auto listed = value(runtime.list({{run_label, run_id}, {"color", "blue"}, {"size", "large"}}));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, a_id);
  EXPECT_EQ(listed[0].name, a.name);
  EXPECT_EQ(listed[0].status, container_status::running);
  EXPECT_EQ(listed[0].ip, value(runtime.inspect(a_id)).ip);
  EXPECT_NE(listed[0].ip, "");
  EXPECT_EQ(listed[0].labels.at("size"), "large");

  EXPECT_EQ(value(runtime.list({{run_label, run_id}, {"color", "blue"}})).size(), 2u);
  EXPECT_TRUE(value(runtime.list({{run_label, run_id}, {"color", "red"}})).empty());
}

// One podman call for several containers: each id gets its own state, by full id, short id or
// name, and a missing one does not hide the others.
TEST_F(PodmanRuntimeTest, InspectEachAnswersEveryIdInOrder) {
  container_spec a = spec("each-a");
  std::string a_id = create_and_start(a);
  std::string b_id = value(runtime.create(spec("each-b")));

  auto results = runtime.inspect_each({b_id, "no-such-container-" + run_id, a_id.substr(0, 12), a.name});
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(value(results[0]).id, b_id);
  EXPECT_EQ(value(results[0]).status, container_status::created);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(results[1]));
  EXPECT_EQ(std::get<runtime_error>(results[1]).reason, runtime_reason::not_found);
  EXPECT_EQ(value(results[2]).id, a_id);
  EXPECT_EQ(value(results[2]).status, container_status::running);
  EXPECT_NE(value(results[2]).ip, "");
  EXPECT_EQ(value(results[3]).id, a_id);
}

// A fixed address (podman run --ip) is the container's; one another container holds, or one
// outside the network's subnet, is refused with a reason orkest acts on.
TEST_F(PodmanRuntimeTest, RunWithAFixedAddress) {
  std::string base = subnet.substr(0, subnet.rfind('.'));
  container_spec a = spec("fixed-a");
  a.ip = base + ".77";
  std::string a_id = value(runtime.run(a));
  EXPECT_EQ(value(runtime.inspect(a_id)).ip, a.ip);

  container_spec b = spec("fixed-b");
  b.ip = a.ip;
  auto taken = runtime.run(b);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(taken));
  EXPECT_EQ(std::get<runtime_error>(taken).reason, runtime_reason::address_in_use) << std::get<runtime_error>(taken).message;

  container_spec c = spec("fixed-c");
  c.ip = "10.214.0.5";
  auto outside = runtime.run(c);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(outside));
  EXPECT_EQ(std::get<runtime_error>(outside).reason, runtime_reason::address_rejected) << std::get<runtime_error>(outside).message;
  EXPECT_EQ(value(runtime.list({{run_label, run_id}})).size(), 1u) << "the refused runs leave nothing behind";
}

// Collects events from watch_events running on its own thread.
class event_recorder {
 public:
  explicit event_recorder(container_runtime& runtime)
      : thread_([this, &runtime] {
          result_ = runtime.watch_events(
              [this](const container_event& event) {
                std::lock_guard lock(mutex_);
                events_.push_back(event);
                changed_.notify_all();
              },
              stop_);
          std::lock_guard lock(mutex_);
          finished_ = true;
          changed_.notify_all();
        }) {}

  ~event_recorder() { finish(); }

  std::optional<container_event> await(const std::function<bool(const container_event&)>& match,
                                       std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    std::optional<container_event> found;
    changed_.wait_for(lock, timeout, [&] {
      for (const auto& event : events_)
        if (match(event)) found = event;
      return found.has_value() || finished_;
    });
    return found;
  }

  // Stops the watch and returns how long watch_events took to return.
  std::chrono::milliseconds finish() {
    auto started = clock_type::now();
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started);
  }

  runtime_status result() const { return result_; }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<container_event> events_;
  bool finished_ = false;
  runtime_status result_;
  std::thread thread_;  // last: starts once everything above exists
};

TEST_F(PodmanRuntimeTest, WatchEventsDeliversDiedWhenAContainerIsKilled) {
  event_recorder recorder(runtime);
  auto named = [](const std::string& name, const std::string& action) {
    return [name, action](const container_event& e) { return e.name == name && e.action == action; };
  };
  // podman only reports what happens after it has started reading, and nothing says when
  // that is: create probe containers until one is seen.
  bool watching = false;
  for (int attempt = 0; attempt < 20 && !watching; ++attempt) {
    container_spec probe = spec("probe-" + std::to_string(attempt));
    probe.labels[label_managed_by] = "orkest";
    value(runtime.create(probe));
    watching = recorder.await(named(probe.name, "create"), 500ms).has_value();
  }
  ASSERT_TRUE(watching) << "podman events never reported the probe containers";

  container_spec s = spec("doomed");
  s.labels[label_managed_by] = "orkest";
  s.command = {"sleep", "1000"};
  std::string id = create_and_start(s);
  ASSERT_TRUE(podman_cli({"kill", id}).ok());

  auto died = recorder.await(named(s.name, "died"), 10s);
  ASSERT_TRUE(died) << "no died event for " << s.name;
  EXPECT_EQ(died->id, id);
  EXPECT_EQ(died->exit_code, 137);
  EXPECT_EQ(died->labels.at(run_label), run_id);

  EXPECT_LT(recorder.finish(), 1s);
  EXPECT_EQ(recorder.result(), std::nullopt) << "a requested stop is not an error";
}

TEST_F(PodmanRuntimeTest, WatchEventsReportsAStreamThatEnds) {
  podman_settings settings = test_settings();
  settings.podman_binary = "false";  // exits at once, like a podman that cannot start
  podman_runtime broken(settings);
  std::atomic<bool> stop{false};
  auto result = broken.watch_events([](const container_event&) {}, stop);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->reason, runtime_reason::failed);
}

TEST_F(PodmanRuntimeTest, PullPolicies) {
  std::string absent = "localhost/orkest-test-absent-" + run_id + ":latest";

  container_spec never = spec("never", absent);
  never.image_pull_policy = "Never";
  auto never_result = runtime.create(never);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(never_result));
  EXPECT_EQ(std::get<runtime_error>(never_result).reason, runtime_reason::image_never_pull);
  EXPECT_EQ(std::get<runtime_error>(never_result).message,
            "Container image \"" + absent + "\" is not present with pull policy of Never");

  // No registry is reachable here: pulling an absent image fails.
  container_spec if_not_present = spec("if-not-present", absent);
  if_not_present.image_pull_policy = "IfNotPresent";
  auto pull_result = runtime.create(if_not_present);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(pull_result));
  EXPECT_EQ(std::get<runtime_error>(pull_result).reason, runtime_reason::image_pull);

  // Always does not try to pull an image built here (podman would retry for seconds).
  container_spec always = spec("always", "health:latest");
  always.image_pull_policy = "Always";
  auto started = clock_type::now();
  EXPECT_TRUE(std::holds_alternative<std::string>(runtime.create(always)));
  EXPECT_LT(clock_type::now() - started, 2s);

  // Always falls back to a local image when its pull fails: give the health image a name on
  // an unreachable registry. Port 1 on loopback refuses at once, and no name is looked up (a
  // registry named by a domain would send a DNS query off this machine).
  std::string unreachable = "localhost:1/orkest-test-" + run_id + ":latest";
  ASSERT_TRUE(podman_cli({"tag", "localhost/health:latest", unreachable}).ok());
  container_spec fallback = spec("always-fallback", unreachable);
  fallback.image_pull_policy = "Always";
  auto fallback_result = runtime.create(fallback);
  podman_cli({"rmi", unreachable});  // untags; the health image stays
  EXPECT_TRUE(std::holds_alternative<std::string>(fallback_result));

  container_spec local = spec("local", "health:latest");
  local.image_pull_policy = "IfNotPresent";
  EXPECT_TRUE(std::holds_alternative<std::string>(runtime.create(local)));
}

TEST_F(PodmanRuntimeTest, FailuresCarryKubernetesReasons) {
  container_spec s = spec("twice");
  value(runtime.create(s));
  auto duplicate = runtime.create(s);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(duplicate));
  EXPECT_EQ(std::get<runtime_error>(duplicate).reason, runtime_reason::create);

  container_spec bad = spec("bad-command");
  bad.command = {"/no/such/program"};
  std::string bad_id = value(runtime.create(bad));
  auto started = runtime.start(bad_id);
  ASSERT_TRUE(started);
  EXPECT_EQ(started->reason, runtime_reason::run);
  EXPECT_NE(started->message.find("/no/such/program"), std::string::npos) << started->message;

  std::string missing = prefix + "no-such-container";
  EXPECT_EQ(runtime.start(missing)->reason, runtime_reason::not_found);
  EXPECT_EQ(runtime.stop(missing, 1s)->reason, runtime_reason::not_found);
  EXPECT_EQ(std::get<runtime_error>(runtime.inspect(missing)).reason, runtime_reason::not_found);
}

// `podman run -d` is how pods start: one process, pull policies applied only when podman says the
// image is missing, and nothing left behind by a failure.
TEST_F(PodmanRuntimeTest, RunCreatesAndStartsInOneStepAndLeavesNothingOnFailure) {
  container_spec ok = spec("run-ok");
  std::string id = value(runtime.run(ok));
  EXPECT_EQ(value(runtime.inspect(id)).status, container_status::running);

  auto twice = runtime.run(ok);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(twice));
  EXPECT_EQ(std::get<runtime_error>(twice).reason, runtime_reason::name_in_use);
  EXPECT_EQ(value(runtime.inspect(id)).status, container_status::running) << "the name's owner stays";

  std::string absent = "localhost/orkest-test-absent-" + run_id + ":latest";
  container_spec never = spec("run-never", absent);
  auto never_result = runtime.run(never);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(never_result));
  EXPECT_EQ(std::get<runtime_error>(never_result).reason, runtime_reason::image_never_pull);
  container_spec if_not_present = spec("run-if-not-present", absent);
  if_not_present.image_pull_policy = "IfNotPresent";
  auto pull_result = runtime.run(if_not_present);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(pull_result));
  EXPECT_EQ(std::get<runtime_error>(pull_result).reason, runtime_reason::image_pull);

  container_spec bad = spec("run-bad-command");
  bad.command = {"/no/such/program"};
  auto bad_result = runtime.run(bad);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(bad_result));
  EXPECT_EQ(std::get<runtime_error>(bad_result).reason, runtime_reason::run);
  EXPECT_NE(std::get<runtime_error>(bad_result).message.find("/no/such/program"), std::string::npos);
  EXPECT_EQ(std::get<runtime_error>(runtime.inspect(bad.name)).reason, runtime_reason::not_found) << "the failed container is gone";
}

// A shell script standing in for podman, deleted with its directory at the end of the test.
class fake_podman {
 public:
  explicit fake_podman(const std::string& script) {
    char dir_template[] = "/tmp/orkest-fake-podman-XXXXXX";
    if (!mkdtemp(dir_template)) throw std::runtime_error("mkdtemp failed");
    dir_ = dir_template;
    std::ofstream(path()) << "#!/bin/sh\n" << script << "\n";
    ::chmod(path().c_str(), 0755);
  }
  ~fake_podman() {
    std::remove(path().c_str());
    ::rmdir(dir_.c_str());
  }
  std::string path() const { return dir_ + "/podman"; }

 private:
  std::string dir_;
};

// A podman that never answers: every call must come back as RuntimeTimeout, promptly.
TEST(PodmanRuntimeFailures, AHangingPodmanTimesOut) {
  fake_podman fake("sleep 1000");
  podman_settings settings;
  settings.podman_binary = fake.path();
  settings.command_timeout = 1s;
  podman_runtime hanging(settings);
  auto started = clock_type::now();
  auto result = hanging.inspect("anything");
  EXPECT_LT(clock_type::now() - started, 3s);
  ASSERT_TRUE(std::holds_alternative<runtime_error>(result));
  EXPECT_EQ(std::get<runtime_error>(result).reason, runtime_reason::timed_out);
  EXPECT_EQ(hanging.check()->reason, runtime_reason::timed_out);
}

// Between `ps` and `container inspect` a container may be removed: podman then prints the
// others and fails. The vanished one is simply not listed.
TEST(PodmanRuntimeFailures, ListLeavesOutAContainerRemovedMeanwhile) {
  fake_podman fake(R"(case "$1" in
  ps) printf 'aaa\nbbb\n' ;;
  container) echo '[{"Id":"aaa","Name":"kept","State":{"Status":"running"}}]'
             echo 'Error: inspecting object: no such container bbb' >&2; exit 125 ;;
esac)");
  podman_settings settings;
  settings.podman_binary = fake.path();
  auto listed = value(podman_runtime(settings).list({{"a", "1"}}));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "kept");
}

TEST(PodmanRuntimeFailures, CheckExplainsAMissingPodman) {
  podman_settings settings;
  settings.podman_binary = "/nonexistent/podman";
  auto error = podman_runtime(settings).check();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->reason, runtime_reason::failed);
  EXPECT_NE(error->message.find("install podman"), std::string::npos) << error->message;

  settings.podman_binary = "podman";
  settings.containers_conf = "/nonexistent/containers.conf";
  error = podman_runtime(settings).check();
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("/nonexistent/containers.conf"), std::string::npos) << error->message;
}

}  // namespace
}  // namespace orkest::podman
