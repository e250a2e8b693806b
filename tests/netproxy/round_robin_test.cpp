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
  round_robin rr{first_backend};
  EXPECT_EQ(rr.next_plan().next(), nullptr);
  rr.replace({});
  EXPECT_EQ(rr.next_plan().next(), nullptr);
}

TEST(RoundRobin, EachPlanStartsOneFurtherAndOffersEveryBackendOnce) {
  round_robin rr{first_backend};
  rr.replace(three());
  using v = std::vector<std::string>;
  EXPECT_EQ(walk(rr.next_plan()), (v{"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
  EXPECT_EQ(walk(rr.next_plan()), (v{"10.0.0.2", "10.0.0.3", "10.0.0.1"}));
  EXPECT_EQ(walk(rr.next_plan()), (v{"10.0.0.3", "10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(walk(rr.next_plan()), (v{"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
}

TEST(RoundRobin, FirstChoicesSpreadEvenly) {
  round_robin rr{first_backend};
  rr.replace(three());
  std::vector<int> hits(3, 0);
  for (int i = 0; i < 300; ++i) ++hits[rr.next_plan().next()->host.back() - '1'];
  EXPECT_EQ(hits, (std::vector<int>{100, 100, 100}));
}

// Each new set starts where the start chooser says; by default at random, so the listeners of
// every node (each has its own) do not all send their first client to the same pod.
TEST(RoundRobin, ANewSetStartsWhereTheStartChooserSays) {
  std::vector<std::size_t> asked;
  round_robin rr([&](std::size_t size) {
    asked.push_back(size);
    return std::size_t{2};
  });
  rr.replace(three());
  EXPECT_EQ(rr.next_plan().next()->host, "10.0.0.3");
  rr.replace(three());  // the same set: the cursor stays
  rr.replace({{"10.0.0.9", 80}, {"10.0.0.8", 80}});
  EXPECT_EQ(rr.next_plan().next()->host, "10.0.0.9");  // 2 of 2 wraps to the first
  EXPECT_EQ(asked, (std::vector<std::size_t>{3, 2}));
}

TEST(RoundRobin, ByDefaultFreshChoosersStartAtEveryBackend) {
  std::vector<int> first(3, 0);
  for (int i = 0; i < 600; ++i) {
    round_robin rr;
    rr.replace(three());
    ++first[rr.next_plan().next()->host.back() - '1'];
  }
  // 200 each expected; under 100 is over eight standard deviations away.
  for (int hits : first) EXPECT_GT(hits, 100) << ::testing::PrintToString(first);
}

TEST(RoundRobin, ReplacingWithTheSameSetKeepsTheCursor) {
  round_robin rr{first_backend};
  rr.replace(three());
  rr.next_plan();
  rr.replace(three());
  EXPECT_EQ(rr.next_plan().next()->host, "10.0.0.2");
}

TEST(RoundRobin, ReplacingWithADifferentSetRestarts) {
  round_robin rr{first_backend};
  rr.replace(three());
  rr.next_plan();
  rr.next_plan();
  rr.replace({{"10.0.0.9", 80}, {"10.0.0.8", 80}});
  EXPECT_EQ(rr.size(), 2u);
  EXPECT_EQ(rr.next_plan().next()->host, "10.0.0.9");
}

TEST(RoundRobin, APlanKeepsItsSetUntilToldToFollowAnother) {
  round_robin rr{first_backend};
  rr.replace(three());
  backend_plan plan = rr.next_plan();
  EXPECT_EQ(plan.next()->host, "10.0.0.1");
  rr.replace({{"10.0.0.9", 80}});
  EXPECT_EQ(plan.next()->host, "10.0.0.2");
}

TEST(RoundRobin, AFollowingPlanSkipsRemovedBackendsAndOffersAddedOnes) {
  round_robin rr{first_backend};
  rr.replace(three());
  backend_plan plan = rr.next_plan();
  EXPECT_EQ(plan.next()->host, "10.0.0.1");
  // 10.0.0.2 died, 10.0.0.4 arrived while the client was trying 10.0.0.1.
  rr.replace({{"10.0.0.1", 80}, {"10.0.0.3", 80}, {"10.0.0.4", 80}});
  plan.follow(rr.current());
  EXPECT_EQ(walk(plan), (std::vector<std::string>{"10.0.0.3", "10.0.0.4"}));
}

TEST(RoundRobin, AFollowingPlanNeverOffersABackendTwice) {
  round_robin rr{first_backend};
  rr.replace(three());
  rr.next_plan();
  backend_plan plan = rr.next_plan();  // starts at 10.0.0.2
  EXPECT_EQ(plan.next()->host, "10.0.0.2");
  EXPECT_EQ(plan.next()->host, "10.0.0.3");
  plan.follow(rr.current());  // the same set again: only 10.0.0.1 is left
  EXPECT_EQ(walk(plan), (std::vector<std::string>{"10.0.0.1"}));
}

// ClientIP session affinity: a client address keeps its backend while it comes back within
// the timeout and the backend stays; others go on round-robin.
TEST(RoundRobin, ClientIpAffinityKeepsAClientOnItsBackendUntilIdleOrGone) {
  using namespace std::chrono_literals;
  const auto start = std::chrono::steady_clock::time_point(std::chrono::hours(1));
  const uint32_t alice = 0x0100000a, bob = 0x0200000a;
  round_robin chooser{first_backend};
  chooser.replace(three());
  chooser.set_affinity(10s);
  EXPECT_EQ(walk(chooser.next_plan(alice, start)).front(), "10.0.0.1");
  EXPECT_EQ(walk(chooser.next_plan(bob, start)).front(), "10.0.0.2");
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(walk(chooser.next_plan(alice, start + i * 9s)).front(), "10.0.0.1");
  // The plan still offers the others, should the kept backend not answer.
  EXPECT_EQ(walk(chooser.next_plan(alice, start + 46s)), (std::vector<std::string>{"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
  // Idle past the timeout: round-robin again (10.0.0.3 is next).
  EXPECT_EQ(walk(chooser.next_plan(alice, start + 57s)).front(), "10.0.0.3");
  // Its backend gone: another one, kept from then on.
  chooser.replace({{"10.0.0.1", 80}, {"10.0.0.2", 80}});
  const auto moved = walk(chooser.next_plan(alice, start + 58s)).front();
  EXPECT_EQ(walk(chooser.next_plan(alice, start + 59s)).front(), moved);
  // Off: plain round-robin, clients forgotten.
  chooser.set_affinity(0s);
  const auto first = walk(chooser.next_plan(alice, start + 60s)).front();
  EXPECT_NE(walk(chooser.next_plan(alice, start + 60s)).front(), first);
}

}  // namespace
}  // namespace orkest::netproxy
