#include "netproxy/round_robin.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace orkest::netproxy {
namespace {

std::vector<backend> three() { return {{"10.0.0.1", 80}, {"10.0.0.2", 80}, {"10.0.0.3", 80}}; }

std::vector<std::string> walk(backend_plan plan) {
  std::vector<std::string> hosts;
  while (const backend* b = plan.next()) hosts.push_back(b->host);
  return hosts;
}

TEST(RoundRobin, EmptySetOffersNothing) {
  round_robin rr;
  EXPECT_EQ(rr.next_plan().next(), nullptr);
  rr.replace({});
  EXPECT_EQ(rr.next_plan().next(), nullptr);
}

TEST(RoundRobin, EachPlanStartsOneFurtherAndOffersEveryBackendOnce) {
  round_robin rr;
  rr.replace(three());
  using v = std::vector<std::string>;
  EXPECT_EQ(walk(rr.next_plan()), (v{"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
  EXPECT_EQ(walk(rr.next_plan()), (v{"10.0.0.2", "10.0.0.3", "10.0.0.1"}));
  EXPECT_EQ(walk(rr.next_plan()), (v{"10.0.0.3", "10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(walk(rr.next_plan()), (v{"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
}

TEST(RoundRobin, FirstChoicesSpreadEvenly) {
  round_robin rr;
  rr.replace(three());
  std::vector<int> hits(3, 0);
  for (int i = 0; i < 300; ++i) ++hits[rr.next_plan().next()->host.back() - '1'];
  EXPECT_EQ(hits, (std::vector<int>{100, 100, 100}));
}

TEST(RoundRobin, ReplacingWithTheSameSetKeepsTheCursor) {
  round_robin rr;
  rr.replace(three());
  rr.next_plan();
  rr.replace(three());
  EXPECT_EQ(rr.next_plan().next()->host, "10.0.0.2");
}

TEST(RoundRobin, ReplacingWithADifferentSetRestarts) {
  round_robin rr;
  rr.replace(three());
  rr.next_plan();
  rr.next_plan();
  rr.replace({{"10.0.0.9", 80}, {"10.0.0.8", 80}});
  EXPECT_EQ(rr.size(), 2u);
  EXPECT_EQ(rr.next_plan().next()->host, "10.0.0.9");
}

TEST(RoundRobin, APlanKeepsItsSetUntilToldToFollowAnother) {
  round_robin rr;
  rr.replace(three());
  backend_plan plan = rr.next_plan();
  EXPECT_EQ(plan.next()->host, "10.0.0.1");
  rr.replace({{"10.0.0.9", 80}});
  EXPECT_EQ(plan.next()->host, "10.0.0.2");
}

TEST(RoundRobin, AFollowingPlanSkipsRemovedBackendsAndOffersAddedOnes) {
  round_robin rr;
  rr.replace(three());
  backend_plan plan = rr.next_plan();
  EXPECT_EQ(plan.next()->host, "10.0.0.1");
  // 10.0.0.2 died, 10.0.0.4 arrived while the client was trying 10.0.0.1.
  rr.replace({{"10.0.0.1", 80}, {"10.0.0.3", 80}, {"10.0.0.4", 80}});
  plan.follow(rr.current());
  EXPECT_EQ(walk(plan), (std::vector<std::string>{"10.0.0.3", "10.0.0.4"}));
}

TEST(RoundRobin, AFollowingPlanNeverOffersABackendTwice) {
  round_robin rr;
  rr.replace(three());
  rr.next_plan();
  backend_plan plan = rr.next_plan();  // starts at 10.0.0.2
  EXPECT_EQ(plan.next()->host, "10.0.0.2");
  EXPECT_EQ(plan.next()->host, "10.0.0.3");
  plan.follow(rr.current());  // the same set again: only 10.0.0.1 is left
  EXPECT_EQ(walk(plan), (std::vector<std::string>{"10.0.0.1"}));
}

}  // namespace
}  // namespace orkest::netproxy
