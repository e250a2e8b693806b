// next_pod_cidr: the first block of the cluster's pod CIDR that no node holds.

#include <gtest/gtest.h>

#include "control/node_ipam.hpp"

namespace orkest::control {
namespace {

TEST(NodeIpam, BlocksAreHandedOutInOrderSkippingTakenAndOverlappingOnes) {
  EXPECT_EQ(next_pod_cidr("10.42.0.0/16", 24, {}), "10.42.0.0/24");
  EXPECT_EQ(next_pod_cidr("10.42.0.0/16", 24, {"10.42.0.0/24", "10.42.1.0/24"}), "10.42.2.0/24");
  // A node's CIDR of another size takes every block it overlaps.
  EXPECT_EQ(next_pod_cidr("10.42.0.0/16", 24, {"10.42.0.0/23"}), "10.42.2.0/24");
  EXPECT_EQ(next_pod_cidr("10.42.0.0/16", 24, {"10.42.0.128/25"}), "10.42.1.0/24");
  // CIDRs outside the range (the server's own subnet) change nothing; text that is none is ignored.
  EXPECT_EQ(next_pod_cidr("10.42.0.0/16", 24, {"10.89.100.0/24", "not a cidr"}), "10.42.0.0/24");
  // A host-bit-set cluster CIDR is taken as its network.
  EXPECT_EQ(next_pod_cidr("10.43.7.9/24", 28, {"10.43.7.0/28"}), "10.43.7.16/28");
}

TEST(NodeIpam, AFullRangeOrABadOneGivesNothing) {
  EXPECT_EQ(next_pod_cidr("10.42.0.0/23", 24, {"10.42.0.0/24", "10.42.1.0/24"}), std::nullopt);
  EXPECT_EQ(next_pod_cidr("10.42.0.0/24", 16, {}), std::nullopt);  // blocks wider than the range
  EXPECT_EQ(next_pod_cidr("10.42.0.0", 24, {}), std::nullopt);
  EXPECT_EQ(next_pod_cidr("10.42.0.0/24", 33, {}), std::nullopt);
}

}  // namespace
}  // namespace orkest::control
