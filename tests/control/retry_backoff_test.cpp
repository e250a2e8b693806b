// retry_backoff: a failed write's key waits 100 ms, then twice as long at each failure in a row,
// at most 5 s; a success starts it over; keys are independent.

#include "control/retry_backoff.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace orkest::control {
namespace {

using std::chrono::milliseconds;

TEST(RetryBackoff, DoublesPerFailureInARowUpToTheCapAndASuccessStartsOver) {
  retry_backoff backoff;
  std::vector<milliseconds> waits;
  for (int i = 0; i < 9; ++i) waits.push_back(backoff.failed("rs/web"));
  EXPECT_EQ(waits, (std::vector<milliseconds>{milliseconds(100), milliseconds(200), milliseconds(400), milliseconds(800),
                                              milliseconds(1600), milliseconds(3200), milliseconds(5000),
                                              milliseconds(5000), milliseconds(5000)}));
  EXPECT_EQ(backoff.failures("rs/web"), 9);
  backoff.succeeded("rs/web");
  EXPECT_EQ(backoff.failures("rs/web"), 0);
  EXPECT_EQ(backoff.failed("rs/web"), milliseconds(100));
}

TEST(RetryBackoff, KeysAreIndependent) {
  retry_backoff backoff(milliseconds(10), milliseconds(1000));
  backoff.failed("a");
  backoff.failed("a");
  EXPECT_EQ(backoff.failed("b"), milliseconds(10));
  EXPECT_EQ(backoff.failed("a"), milliseconds(40));
}

}  // namespace
}  // namespace orkest::control
