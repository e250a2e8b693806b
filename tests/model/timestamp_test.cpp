// Kubernetes' timestamps and ages (model/timestamp.cpp): RFC 3339 both ways and HumanDuration.

#include <gtest/gtest.h>

#include "model/timestamp.hpp"

namespace orkest::testing {
namespace {

using model::human_duration;
using model::parse_rfc3339;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(human_duration, matches_kubernetes) {
  EXPECT_EQ(human_duration(seconds(-5)), "<invalid>");
  EXPECT_EQ(human_duration(seconds(-1)), "0s");
  EXPECT_EQ(human_duration(seconds(0)), "0s");
  EXPECT_EQ(human_duration(seconds(119)), "119s");
  EXPECT_EQ(human_duration(seconds(120)), "2m");
  EXPECT_EQ(human_duration(seconds(201)), "3m21s");
  EXPECT_EQ(human_duration(minutes(10)), "10m");
  EXPECT_EQ(human_duration(minutes(179)), "179m");
  EXPECT_EQ(human_duration(hours(3)), "3h");
  EXPECT_EQ(human_duration(hours(5) + minutes(7)), "5h7m");
  EXPECT_EQ(human_duration(hours(30)), "30h");
  EXPECT_EQ(human_duration(hours(24 * 3 + 4)), "3d4h");
  EXPECT_EQ(human_duration(hours(24 * 30)), "30d");
  EXPECT_EQ(human_duration(hours(24 * (365 * 3 + 10))), "3y10d");
  EXPECT_EQ(human_duration(hours(24 * 365 * 9)), "9y");
}

TEST(rfc3339, parses_utc_offsets_and_fractions) {
  auto base = parse_rfc3339("2026-11-22T12:00:00Z");
  ASSERT_TRUE(base);
  EXPECT_EQ(parse_rfc3339("2026-11-22T12:00:00.123456789Z"), base);
  EXPECT_EQ(parse_rfc3339("2026-11-22T13:30:00+01:30"), base);
  EXPECT_EQ(parse_rfc3339("2026-11-22T10:00:00-02:00"), base);
  EXPECT_EQ(parse_rfc3339(""), std::nullopt);
  EXPECT_EQ(parse_rfc3339("yesterday"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-11-22T12:00:00"), std::nullopt);
}

TEST(rfc3339, formats_whole_seconds_in_utc_and_parses_back) {
  auto when = parse_rfc3339("2026-11-22T12:00:52.75+01:00");
  ASSERT_TRUE(when);
  EXPECT_EQ(model::rfc3339(*when), "2026-11-22T11:00:52Z");
}

}  // namespace
}  // namespace orkest::testing
