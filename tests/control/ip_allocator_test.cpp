// Addresses from one CIDR: never the network, the first host or the broadcast address; a
// freed address is not handed out again at once.

#include "control/ip_allocator.hpp"

#include <gtest/gtest.h>

namespace orkest::control {
namespace {

TEST(IpAllocator, HandsOutTheHostsButTheFirstAndNeverTwice) {
  ip_allocator range("10.1.0.0/29");  // .0 network, .1 kept, .7 broadcast
  std::vector<std::string> handed;
  while (auto ip = range.allocate()) handed.push_back(*ip);
  EXPECT_EQ(handed, (std::vector<std::string>{"10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5", "10.1.0.6"}));
  range.release("10.1.0.4");
  EXPECT_EQ(range.allocate(), "10.1.0.4");
  EXPECT_EQ(range.allocate(), std::nullopt);
}

TEST(IpAllocator, AFreedAddressWaitsItsTurn) {
  ip_allocator range("10.1.0.0/29");
  auto first = range.allocate();
  range.release(*first);
  EXPECT_NE(range.allocate(), first);
}

TEST(IpAllocator, ClaimsOnlyFreeAddressesInsideTheRange) {
  ip_allocator range("10.96.0.0/16");
  EXPECT_TRUE(range.claim("10.96.0.10"));
  EXPECT_FALSE(range.claim("10.96.0.10"));
  for (const char* outside : {"10.96.0.0", "10.96.0.1", "10.96.255.255", "10.97.0.2", "not an ip", ""})
    EXPECT_FALSE(range.claim(outside)) << outside;
  EXPECT_TRUE(range.contains("10.96.255.254"));
  EXPECT_FALSE(range.contains("10.96.255.255"));
}

TEST(IpAllocator, RefusesWhatIsNoIpv4CidrOfEightToTwentyNineBits) {
  for (const char* cidr : {"10.0.0.0", "10.0.0.0/7", "10.0.0.0/30", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/16x",
                           "10.0.0.0/99999999999", "fd00::/64", "300.0.0.0/8", ""})
    EXPECT_THROW(ip_allocator{cidr}, std::invalid_argument) << cidr;
  EXPECT_EQ(ip_allocator("10.0.5.7/24").cidr(), "10.0.5.7/24");
  EXPECT_TRUE(ip_allocator("10.0.5.7/24").contains("10.0.5.2"));
}

TEST(Ipv4Text, RoundTrips) {
  EXPECT_EQ(parse_ipv4("192.168.1.20"), 0xC0A80114u);
  EXPECT_EQ(format_ipv4(0xC0A80114u), "192.168.1.20");
  EXPECT_EQ(parse_ipv4("192.168.1"), std::nullopt);
}

}  // namespace
}  // namespace orkest::control
