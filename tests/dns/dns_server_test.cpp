// The server over real sockets on 127.0.0.1, ephemeral ports: hand-built queries, glibc's
// own stub resolver, table swaps under load, prompt shutdown, garbage datagrams.

#include "dns/dns_server.hpp"

#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "dns/dns_message.hpp"
#include "dns_test_support.hpp"

namespace orkest::dns {
namespace {

using test::bytes;
using clock = std::chrono::steady_clock;

std::unique_ptr<dns_server> start_or_fail(const std::string& address = "127.0.0.1", uint16_t port = 0) {
  auto started = dns_server::start(address, port);
  if (auto* error = std::get_if<std::string>(&started)) throw std::runtime_error(*error);
  return std::move(std::get<std::unique_ptr<dns_server>>(started));
}

std::string start_error(const std::string& address, uint16_t port) {
  auto started = dns_server::start(address, port);
  if (auto* error = std::get_if<std::string>(&started)) return *error;
  return "";
}

std::vector<std::string> addresses(const test::reply& r) {
  std::vector<std::string> out;
  for (const auto& a : r.answers) out.push_back(a.address);
  return out;
}

const record_table cluster = {
    {"ping", {"10.88.0.7"}},
    {"ping.default.pod.cluster.local", {"10.88.0.7"}},
    {"health-service", {"10.96.0.10"}},
    {"health-service.default", {"10.96.0.10"}},
    {"health-service.default.svc.cluster.local", {"10.96.0.10"}},
};

TEST(DnsServer, BindsAnyFreePort) {
  auto server = start_or_fail();
  EXPECT_NE(server->port(), 0);
}

TEST(DnsServer, ReportsWhyItCannotStart) {
  auto not_ip = start_error("not-an-ip", 0);
  EXPECT_NE(not_ip.find("not-an-ip"), std::string::npos) << not_ip;

  // TEST-NET-3: no local interface has it, so bind fails without sending anything.
  auto foreign = start_error("203.0.113.1", 0);
  EXPECT_NE(foreign.find("203.0.113.1"), std::string::npos) << foreign;
  EXPECT_NE(foreign.find("ssign"), std::string::npos) << foreign;  // "Cannot assign requested address"

  auto first = start_or_fail();
  auto taken = start_error("127.0.0.1", first->port());
  EXPECT_NE(taken.find("in use"), std::string::npos) << taken;
}

TEST(DnsServer, AnswersOverUdp) {
  auto server = start_or_fail();
  server->set_records(cluster);
  test::udp_client client(server->port());

  auto a = client.ask(test::make_query(100, "health-service.default.svc.cluster.local", type_a));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->rcode(), 0);
  EXPECT_TRUE(a->aa());
  EXPECT_EQ(addresses(*a), std::vector<std::string>{"10.96.0.10"});

  auto aaaa = client.ask(test::make_query(101, "health-service", type_aaaa));
  ASSERT_TRUE(aaaa);
  EXPECT_EQ(aaaa->rcode(), 0);
  EXPECT_EQ(aaaa->ancount, 0);

  auto unknown = client.ask(test::make_query(102, "health-service.other.svc.cluster.local", type_a));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->rcode(), 3);

  auto upper = client.ask(test::make_query(103, "PING", type_a));
  ASSERT_TRUE(upper);
  EXPECT_EQ(addresses(*upper), std::vector<std::string>{"10.88.0.7"});
  EXPECT_EQ(upper->qname, "PING");
}

TEST(DnsServer, StartsWithAnEmptyTable) {
  auto server = start_or_fail();
  test::udp_client client(server->port());
  auto r = client.ask(test::make_query(1, "ping", type_a));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), 3);
}

// glibc's stub resolver (res_nquery, in libc since glibc 2.34) pointed at the server: it
// builds its own query and validates the reply (ID, question echo) the way getaddrinfo in a
// glibc-based pod would.
class glibc_resolver {
 public:
  explicit glibc_resolver(uint16_t port) {
    if (res_ninit(&state_) != 0) throw std::runtime_error("res_ninit");
    state_.nscount = 1;
    state_.nsaddr_list[0].sin_family = AF_INET;
    state_.nsaddr_list[0].sin_port = htons(port);
    state_.nsaddr_list[0].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    state_.retrans = 2;  // seconds per try: bounds every wait
    state_.retry = 1;
  }
  ~glibc_resolver() { res_nclose(&state_); }

  // Reply length, or -1 with error() telling NXDOMAIN (HOST_NOT_FOUND) from NODATA (NO_DATA).
  int query(const char* name, int type) {
    unsigned char answer[NS_PACKETSZ];
    int n = res_nquery(&state_, name, ns_c_in, type, answer, sizeof answer);
    if (n > 0) last_ = test::decode(bytes(answer, answer + n));
    return n;
  }
  int error() const { return state_.res_h_errno; }
  const test::reply& last() const { return last_; }

 private:
  struct __res_state state_ {};
  test::reply last_;
};

TEST(DnsServer, AnswersGlibcStubResolver) {
  auto server = start_or_fail();
  server->set_records(cluster);
  glibc_resolver resolver(server->port());

  ASSERT_GT(resolver.query("health-service.default.svc.cluster.local", ns_t_a), 0) << resolver.error();
  EXPECT_EQ(addresses(resolver.last()), std::vector<std::string>{"10.96.0.10"});
  EXPECT_EQ(resolver.last().answers[0].ttl, 5u);

  EXPECT_EQ(resolver.query("ping.default.svc.cluster.local", ns_t_a), -1);
  EXPECT_EQ(resolver.error(), HOST_NOT_FOUND);

  EXPECT_EQ(resolver.query("ping", ns_t_aaaa), -1);
  EXPECT_EQ(resolver.error(), NO_DATA);
}

TEST(DnsServer, SetRecordsSwapsWholeTablesWhileQueriesRun) {
  const record_table first = {{"svc", {"10.0.0.1"}}, {"only-first", {"10.0.0.9"}}};
  const record_table second = {{"svc", {"10.0.1.1", "10.0.1.2"}}};
  auto server = start_or_fail();
  server->set_records(first);

  std::atomic<bool> querying{true};
  std::atomic<int> seen_first{0}, seen_second{0}, bad{0};
  auto client_loop = [&](uint16_t base_id) {
    test::udp_client client(server->port());
    for (uint16_t i = 0; i < 400; ++i) {
      auto r = client.ask(test::make_query(static_cast<uint16_t>(base_id + i), "svc", type_a));
      auto got = r ? addresses(*r) : std::vector<std::string>{"lost"};
      if (got == std::vector<std::string>{"10.0.0.1"}) ++seen_first;
      else if (got == std::vector<std::string>{"10.0.1.1", "10.0.1.2"}) ++seen_second;
      else ++bad;
      auto other = client.ask(test::make_query(static_cast<uint16_t>(base_id + i + 0x4000), "only-first", type_a));
      if (!other || !(other->rcode() == 3 || addresses(*other) == std::vector<std::string>{"10.0.0.9"})) ++bad;
    }
  };
  std::thread swapper([&] {
    for (int i = 0; querying; ++i) server->set_records(i % 2 ? first : second);
  });
  std::thread client_a(client_loop, 0);
  std::thread client_b(client_loop, 0x8000);
  client_a.join();
  client_b.join();
  querying = false;
  swapper.join();

  EXPECT_EQ(bad, 0);
  EXPECT_EQ(seen_first + seen_second, 800);
  EXPECT_GT(seen_first, 0);
  EXPECT_GT(seen_second, 0);
}

TEST(DnsServer, DestructorStopsPromptly) {
  auto server = start_or_fail();
  server->set_records(cluster);
  test::udp_client client(server->port());
  ASSERT_TRUE(client.ask(test::make_query(1, "ping", type_a)));  // the thread is up and serving

  auto before = clock::now();
  server.reset();
  EXPECT_LT(clock::now() - before, std::chrono::milliseconds(500));
}

TEST(DnsServer, DestructorStopsPromptlyUnderAFlood) {
  auto server = start_or_fail();
  server->set_records(cluster);
  // Serving before the flood: during it, an answer to a probe may be lost with the rest (it once
  // was, on a loaded machine, and the test ended with the flood thread still running).
  test::udp_client probe(server->port());
  ASSERT_TRUE(probe.ask(test::make_query(2, "ping", type_a)));
  std::atomic<bool> flooding{true};
  std::atomic<int> sent{0};
  std::thread flood([&, port = server->port()] {
    test::udp_client client(port);
    bytes q = test::make_query(1, "ping", type_a);
    while (flooding) {
      client.try_send(q);
      ++sent;
    }
  });
  // The flood is on before the server goes (bounded: the thread sends thousands a second).
  for (auto until = clock::now() + std::chrono::seconds(5); sent < 1000 && clock::now() < until;)
    std::this_thread::yield();

  auto before = clock::now();
  server.reset();
  auto took = clock::now() - before;
  flooding = false;
  flood.join();
  EXPECT_LT(took, std::chrono::milliseconds(500));
}

// Random datagrams in batches, each batch followed by a real query: the query's answer proves
// the server read everything before it and is still serving. Batches stay well under what the
// server's socket buffer holds, so nothing is lost to overflow.
TEST(DnsServer, GarbageDatagramsDoNotStopIt) {
  auto server = start_or_fail();
  server->set_records(cluster);
  test::udp_client client(server->port());
  std::mt19937 rng(7);
  for (uint16_t batch = 0; batch < 40; ++batch) {
    for (int i = 0; i < 50; ++i) {
      bytes garbage(rng() % 700);
      for (auto& b : garbage) b = static_cast<uint8_t>(rng());
      if (garbage.size() >= 2 && garbage[0] == 0xFF) garbage[0] = 0;  // keep IDs 0xFFxx for the probes
      client.send(garbage);
    }
    auto r = client.ask(test::make_query(static_cast<uint16_t>(0xFF00 + batch), "ping", type_a));
    ASSERT_TRUE(r) << "batch " << batch;
    EXPECT_EQ(addresses(*r), std::vector<std::string>{"10.88.0.7"});
  }
}

}  // namespace
}  // namespace orkest::dns
