// run_process / stream_process_lines against ordinary shell commands: output, exit codes,
// environment, and above all that nothing can make them hang.

#include "podman/process.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace orkest::podman {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

process_options with_timeout(std::chrono::milliseconds timeout) {
  process_options options;
  options.timeout = timeout;
  return options;
}

process_result sh(const std::string& script, process_options options = with_timeout(10s)) {
  return run_process({"sh", "-c", script}, options);
}

// A process that is gone or a zombie waiting for init to reap it no longer runs.
bool process_ended(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, command, state;
  return !(stat >> pid_field >> command >> state) || state == "Z";
}

TEST(RunProcess, CapturesStdoutStderrAndExitCode) {
  process_result result = sh("echo out; echo err >&2; exit 3");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(sh("true").ok());
}

TEST(RunProcess, MergesStderrIntoStdoutInOrder) {
  process_options options = with_timeout(10s);
  options.merge_stderr = true;
  process_result result = sh("echo one; echo two >&2; echo three", options);
  EXPECT_EQ(result.out, "one\ntwo\nthree\n");
  EXPECT_EQ(result.err, "");
}

TEST(RunProcess, CollectsOutputLargerThanAPipeBuffer) {
  process_result result = sh("head -c 1000000 /dev/zero");
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.out.size(), 1000000u);
}

// `podman logs` of a large log was read whole into memory before limitBytes applied.
TEST(RunProcess, StopsReadingAtTheOutputCapAndEndsTheChild) {
  auto options = with_timeout(20s);
  options.max_output_bytes = 1000;
  const auto started = clock_type::now();
  auto result = sh("yes", options);  // endless output
  EXPECT_LT(clock_type::now() - started, 5s);
  EXPECT_TRUE(result.truncated);
  EXPECT_FALSE(result.killed);
  EXPECT_EQ(result.out.size(), 1000u);
  EXPECT_EQ(result.out.substr(0, 4), "y\ny\n");
  // Output below the cap is whole and not truncated.
  options.max_output_bytes = 1 << 20;
  auto small = sh("echo hello", options);
  EXPECT_TRUE(small.ok());
  EXPECT_FALSE(small.truncated);
  EXPECT_EQ(small.out, "hello\n");
}

TEST(RunProcess, PassesExtraEnvironmentOnlyToTheChild) {
  process_options options = with_timeout(10s);
  options.env = {{"ORKEST_TEST_VAR", "from-test"}, {"HOME", "/replaced"}};
  process_result result = sh("echo $ORKEST_TEST_VAR $HOME; env | grep -c '^HOME='", options);
  EXPECT_EQ(result.out, "from-test /replaced\n1\n");
  EXPECT_EQ(std::getenv("ORKEST_TEST_VAR"), nullptr);
}

TEST(RunProcess, ReportsAProgramThatCannotBeStarted) {
  process_result result = run_process({"/nonexistent/orkest-podman"}, with_timeout(10s));
  EXPECT_NE(result.spawn_error.find("No such file"), std::string::npos) << result.spawn_error;
  EXPECT_FALSE(result.ok());
}

TEST(RunProcess, KillsAChildThatOutlivesItsTimeoutWithEverythingItStarted) {
  char dir_template[] = "/tmp/orkest-process-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string pid_file = std::string(dir_template) + "/pid";
  auto started = clock_type::now();
  // The shell starts a grandchild and waits: both must die.
  process_result result = sh("sleep 1000 & echo $! > " + pid_file + "; wait", with_timeout(500ms));
  EXPECT_LT(clock_type::now() - started, 3s);
  EXPECT_TRUE(result.killed);
  EXPECT_FALSE(result.ok());
  pid_t grandchild = 0;
  std::ifstream(pid_file) >> grandchild;
  ASSERT_GT(grandchild, 0);
  auto deadline = clock_type::now() + 5s;
  while (!process_ended(grandchild) && clock_type::now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(process_ended(grandchild));
  std::remove(pid_file.c_str());
  rmdir(dir_template);
}

TEST(RunProcess, ReturnsWhenTheChildExitsEvenIfAGrandchildKeepsThePipesOpen) {
  auto started = clock_type::now();
  process_result result = sh("sleep 5 & echo done", with_timeout(10s));
  EXPECT_LT(clock_type::now() - started, 2s);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.out, "done\n");
}

TEST(RunProcess, ResetsIgnoredSignalsForTheChild) {
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGTERM, &ignore, &previous);
  process_result result = sh("kill -TERM $$; sleep 5", with_timeout(10s));
  sigaction(SIGTERM, &previous, nullptr);
  EXPECT_EQ(result.exit_code, 128 + SIGTERM);
}

TEST(StreamProcessLines, DeliversLinesAsTheyArriveAndAPartialLastLine) {
  std::atomic<bool> stop{false};
  std::vector<std::string> lines;
  process_result result = stream_process_lines(
      {"sh", "-c", "echo a; sleep 0.2; printf 'b\\nc'"}, {},
      [&](std::string_view line) { lines.emplace_back(line); }, stop);
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_FALSE(result.killed);
}

TEST(StreamProcessLines, StopsPromptlyWhenAsked) {
  std::atomic<bool> stop{false};
  std::vector<std::string> lines;
  clock_type::time_point stop_requested;
  process_result result = stream_process_lines(
      {"sh", "-c", "echo ready; sleep 1000"}, {},
      [&](std::string_view line) {
        lines.emplace_back(line);
        stop_requested = clock_type::now();
        stop = true;
      },
      stop);
  EXPECT_LT(clock_type::now() - stop_requested, 500ms);
  EXPECT_TRUE(result.killed);
  EXPECT_EQ(lines, std::vector<std::string>{"ready"});
}

TEST(StreamProcessLines, KillsTheChildWhenTheCallbackThrows) {
  std::atomic<bool> stop{false};
  auto started = clock_type::now();
  EXPECT_THROW(stream_process_lines(
                   {"sh", "-c", "echo boom; sleep 1000"}, {},
                   [](std::string_view) { throw std::runtime_error("callback failed"); }, stop),
               std::runtime_error);
  EXPECT_LT(clock_type::now() - started, 2s);
}

}  // namespace
}  // namespace orkest::podman
