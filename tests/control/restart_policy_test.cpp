// When the kubelet would run an exited container again, and after how long.

#include "control/restart_policy.hpp"

#include <gtest/gtest.h>

namespace orkest::control {
namespace {

TEST(ShouldRestart, FollowsTheRestartPolicy) {
  struct row {
    const char* policy;
    int exit_code;
    bool restart;
  };
  for (const auto& r : std::vector<row>{{"Always", 0, true},
                                        {"Always", 1, true},
                                        {"OnFailure", 0, false},
                                        {"OnFailure", 137, true},
                                        {"Never", 0, false},
                                        {"Never", 1, false},
                                        {"", 0, true}})  // defaulted to Always before it gets here
    EXPECT_EQ(should_restart(r.policy, r.exit_code), r.restart) << r.policy << " " << r.exit_code;
}

TEST(RestartDelay, FirstAtOnceThenTenSecondsDoublingUpToFiveMinutes) {
  using std::chrono::seconds;
  const std::vector<std::pair<int, seconds>> rows = {{0, seconds(0)},   {1, seconds(0)},   {2, seconds(10)},
                                                     {3, seconds(20)},  {4, seconds(40)},  {5, seconds(80)},
                                                     {6, seconds(160)}, {7, seconds(300)}, {50, seconds(300)},
                                                     {100000, seconds(300)}};
  for (const auto& [crashes, delay] : rows) EXPECT_EQ(restart_delay(crashes), delay) << crashes;
}

}  // namespace
}  // namespace orkest::control
