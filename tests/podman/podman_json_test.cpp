// Parsers against output captured from podman 4.3.1 (tests/podman/data/): inspect of a
// running, an exited (code 3) and a created container, and `podman events --format json`
// while they and one exiting with 0 ran, died, were killed and removed.

#include "podman/podman_json.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace orkest::podman {
namespace {

std::string sample(const std::string& name) {
  std::ifstream in(std::string(ORKEST_SOURCE_DIR) + "/tests/podman/data/" + name);
  EXPECT_TRUE(in) << "missing sample " << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

container_state only_state(const std::string& sample_name) {
  auto parsed = parse_inspect(sample(sample_name));
  const auto* states = std::get_if<std::vector<container_state>>(&parsed);
  if (!states || states->size() != 1) {
    ADD_FAILURE() << "expected one container in " << sample_name;
    return {};
  }
  return states->front();
}

TEST(ParseInspect, RunningContainer) {
  container_state state = only_state("inspect_running.json");
  EXPECT_EQ(state.id, "2b04026d0653874f98f497e88139eeb6026d6b7fd51b7a33a81314934b0a467f");
  EXPECT_EQ(state.name, "sample-running");
  EXPECT_EQ(state.image, "localhost/health:latest");
  EXPECT_EQ(state.status, container_status::running);
  EXPECT_EQ(state.ip, "10.89.77.5");
  EXPECT_EQ(state.started_at, "2026-11-22T11:07:33Z");
  EXPECT_EQ(state.finished_at, "");
  EXPECT_EQ(state.labels.at(label_pod_name), "web");
  EXPECT_EQ(state.labels.at(label_managed_by), "orkest");
  EXPECT_FALSE(state.oom_killed);
}

TEST(ParseInspect, ExitedContainer) {
  container_state state = only_state("inspect_exited.json");
  EXPECT_EQ(state.status, container_status::exited);
  EXPECT_EQ(state.exit_code, 3);
  EXPECT_EQ(state.ip, "");
  EXPECT_EQ(state.started_at, "2026-11-22T11:07:34Z");
  EXPECT_EQ(state.finished_at, "2026-11-22T11:07:34Z");
}

TEST(ParseInspect, CreatedContainerHasNoTimes) {
  container_state state = only_state("inspect_created.json");
  EXPECT_EQ(state.status, container_status::created);
  EXPECT_EQ(state.started_at, "");
  EXPECT_EQ(state.finished_at, "");
}

TEST(ParseInspect, ToleratesMissingFieldsAndRejectsNonJson) {
  auto parsed =
      parse_inspect(R"([{"Id":"x","State":{"Status":"running","OOMKilled":true},"Config":{"Labels":null}}])");
  ASSERT_TRUE(std::holds_alternative<std::vector<container_state>>(parsed));
  const container_state& state = std::get<std::vector<container_state>>(parsed).front();
  EXPECT_EQ(state.id, "x");
  EXPECT_TRUE(state.oom_killed);
  EXPECT_TRUE(state.labels.empty());

  auto broken = parse_inspect("Error: something\n");
  ASSERT_TRUE(std::holds_alternative<runtime_error>(broken));
  EXPECT_EQ(std::get<runtime_error>(broken).reason, runtime_reason::failed);
  EXPECT_TRUE(std::holds_alternative<runtime_error>(parse_inspect(R"({"Id":"x"})")));
}

TEST(ParseEvent, EveryCapturedLineIsAContainerEvent) {
  std::istringstream lines(sample("events.jsonl"));
  std::vector<container_event> events;
  for (std::string line; std::getline(lines, line);) {
    auto event = parse_event(line);
    ASSERT_TRUE(event) << line;
    events.push_back(*event);
  }
  ASSERT_EQ(events.size(), 21u);
  EXPECT_EQ(events[0].action, "create");
  EXPECT_EQ(events[0].name, "sample-running");
  EXPECT_EQ(events[0].labels.at(label_pod_name), "web");
  EXPECT_FALSE(events[0].exit_code);
}

TEST(ParseEvent, DiedCarriesTheExitCodeEvenWhenPodmanLeavesOutZero) {
  std::istringstream lines(sample("events.jsonl"));
  std::map<std::string, std::optional<int>> died;
  for (std::string line; std::getline(lines, line);)
    if (auto event = parse_event(line); event && event->action == "died")
      died[event->name] = event->exit_code;
  EXPECT_EQ(died["sample-exited"], 3);
  EXPECT_EQ(died["sample-zero"], 0);
  EXPECT_EQ(died["sample-running"], 137);  // podman kill
}

TEST(ParseEvent, RejectsOtherLines) {
  EXPECT_FALSE(parse_event(""));
  EXPECT_FALSE(parse_event("not json"));
  EXPECT_FALSE(parse_event(R"({"ID":"x","Status":"pull","Type":"image"})"));
  EXPECT_FALSE(parse_event(R"({"Status":"died","Type":"container"})"));
}

TEST(ParseStatus, MapsPodmanStates) {
  EXPECT_EQ(parse_status("running"), container_status::running);
  EXPECT_EQ(parse_status("exited"), container_status::exited);
  EXPECT_EQ(parse_status("stopped"), container_status::exited);
  EXPECT_EQ(parse_status("created"), container_status::created);
  EXPECT_EQ(parse_status("configured"), container_status::created);
  EXPECT_EQ(parse_status("paused"), container_status::unknown);
}

TEST(Rfc3339Utc, ConvertsGoTimesToWholeSecondsInUtc) {
  EXPECT_EQ(rfc3339_utc("2026-11-22T10:57:44.123456789Z"), "2026-11-22T10:57:44Z");
  EXPECT_EQ(rfc3339_utc("2026-11-22T11:57:44.5+01:00"), "2026-11-22T10:57:44Z");
  EXPECT_EQ(rfc3339_utc("2026-11-22T00:30:00-02:30"), "2026-11-22T03:00:00Z");
  EXPECT_EQ(rfc3339_utc("2026-11-22T10:57:44Z"), "2026-11-22T10:57:44Z");
  EXPECT_EQ(rfc3339_utc("0001-01-01T00:00:00Z"), "");
  EXPECT_EQ(rfc3339_utc(""), "");
  EXPECT_EQ(rfc3339_utc("yesterday"), "");
}

}  // namespace
}  // namespace orkest::podman
