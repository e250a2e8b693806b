// The answering policy, without sockets: what each kind of query gets from a given table.

#include "dns/dns_responder.hpp"

#include <gtest/gtest.h>

#include <random>

#include "dns/dns_message.hpp"
#include "dns_test_support.hpp"

namespace orkest::dns {
namespace {

using test::bytes;

const record_table table = {
    {"ping", {"10.88.0.7"}},
    {"ping.default.pod.cluster.local", {"10.88.0.7"}},
    {"health-service.default.svc.cluster.local", {"10.96.0.10"}},
    {"multi", {"10.88.0.1", "10.88.0.2", "10.88.0.3"}},
    {"half-broken", {"not-an-ip", "10.88.0.4", "fd00::1"}},
};

std::optional<bytes> raw(const bytes& query, const record_table& records = table) {
  return respond(query.data(), query.size(), records);
}

test::reply ask(const bytes& query, const record_table& records = table) {
  auto out = raw(query, records);
  if (!out) throw std::runtime_error("no reply");
  return test::decode(*out);
}

std::vector<std::string> addresses(const test::reply& r) {
  std::vector<std::string> out;
  for (const auto& a : r.answers) out.push_back(a.address);
  return out;
}

TEST(DnsResponder, AnswersKnownNamesWithTheirAddresses) {
  auto r = ask(test::make_query(0x0101, "health-service.default.svc.cluster.local", type_a));
  EXPECT_EQ(r.id, 0x0101);
  EXPECT_TRUE(r.qr());
  EXPECT_TRUE(r.aa());
  EXPECT_TRUE(r.rd());
  EXPECT_EQ(r.rcode(), 0);
  EXPECT_EQ(r.qname, "health-service.default.svc.cluster.local");
  EXPECT_EQ(addresses(r), std::vector<std::string>{"10.96.0.10"});
  EXPECT_EQ(r.answers[0].ttl, answer_ttl_seconds);
  EXPECT_EQ(answer_ttl_seconds, 5u);

  EXPECT_EQ(addresses(ask(test::make_query(2, "ping", type_a))), std::vector<std::string>{"10.88.0.7"});
  EXPECT_EQ(addresses(ask(test::make_query(3, "multi", type_a))),
            (std::vector<std::string>{"10.88.0.1", "10.88.0.2", "10.88.0.3"}));
  EXPECT_FALSE(ask(test::make_query(4, "ping", type_a, class_in, false)).rd());
}

TEST(DnsResponder, MatchesNamesCaseInsensitivelyAndEchoesTheCaseSent) {
  auto r = ask(test::make_query(5, "HeAlTh-SeRvIcE.Default.SVC.cluster.LOCAL", type_a));
  EXPECT_EQ(r.rcode(), 0);
  EXPECT_EQ(r.qname, "HeAlTh-SeRvIcE.Default.SVC.cluster.LOCAL");
  EXPECT_EQ(addresses(r), std::vector<std::string>{"10.96.0.10"});
}

TEST(DnsResponder, KnownNameOtherTypeIsNoDataNotNxdomain) {
  for (uint16_t type : {type_aaaa, uint16_t{5} /*CNAME*/, uint16_t{33} /*SRV*/, uint16_t{255} /*ANY*/}) {
    auto r = ask(test::make_query(6, "ping", type));
    EXPECT_EQ(r.rcode(), 0) << type;
    EXPECT_TRUE(r.aa()) << type;
    EXPECT_EQ(r.ancount, 0) << type;
    EXPECT_EQ(r.qtype, type);
  }
  auto chaos = ask(test::make_query(7, "ping", type_a, 3 /*CH*/));
  EXPECT_EQ(chaos.rcode(), 0);
  EXPECT_EQ(chaos.ancount, 0);
}

TEST(DnsResponder, UnknownNamesAreNxdomain) {
  for (const char* name : {"nope", "ping.other.svc.cluster.local", "example.com", "", "pin", "pingg"}) {
    for (uint16_t type : {type_a, type_aaaa}) {
      auto r = ask(test::make_query(8, name, type));
      EXPECT_EQ(r.rcode(), 3) << name;
      EXPECT_TRUE(r.aa()) << name;
      EXPECT_EQ(r.ancount, 0) << name;
      EXPECT_EQ(r.qname, name);
    }
  }
  // A single label "ping.default.pod.cluster.local" is not the five-label name.
  bytes dotted = test::header(9, 0, 1);
  std::string label = "ping.default.pod.cluster.local";
  dotted.push_back(static_cast<uint8_t>(label.size()));
  dotted.insert(dotted.end(), label.begin(), label.end());
  dotted.insert(dotted.end(), {0, 0, 1, 0, 1});
  EXPECT_EQ(ask(dotted).rcode(), 3);
}

TEST(DnsResponder, EmptyTableAnswersNxdomain) {
  EXPECT_EQ(ask(test::make_query(10, "ping", type_a), {}).rcode(), 3);
}

TEST(DnsResponder, SkipsAddressesThatAreNotIpv4) {
  EXPECT_EQ(addresses(ask(test::make_query(11, "half-broken", type_a))), std::vector<std::string>{"10.88.0.4"});
}

TEST(DnsResponder, AnswersEdnsQueriesWithoutOpt) {
  bytes q = test::make_query(12, "ping", type_a);
  test::add_edns(q);
  auto r = ask(q);
  EXPECT_EQ(r.rcode(), 0);
  EXPECT_EQ(r.arcount, 0);
  EXPECT_EQ(addresses(r), std::vector<std::string>{"10.88.0.7"});
}

TEST(DnsResponder, ErrorReplies) {
  bytes notify = test::make_query(13, "ping", type_a);
  notify[2] |= 4 << 3;  // opcode NOTIFY
  auto r = ask(notify);
  EXPECT_EQ(r.rcode(), 4);
  EXPECT_EQ(r.id, 13);
  EXPECT_EQ(r.opcode(), 4);

  bytes loop = test::header(14, 0x0100, 1);
  loop.insert(loop.end(), {0xC0, 12, 0, 1, 0, 1});
  auto formerr = ask(loop);
  EXPECT_EQ(formerr.rcode(), 1);
  EXPECT_EQ(formerr.id, 14);
  EXPECT_TRUE(formerr.rd());
  EXPECT_EQ(formerr.qdcount, 0);

  EXPECT_FALSE(raw(bytes{1, 2, 3}));
  bytes reply = test::make_query(15, "ping", type_a);
  reply[2] |= 0x80;
  EXPECT_FALSE(raw(reply));
}

// Random bytes and random mutations of a valid query: never a crash (the ASan build checks
// every read), and whatever comes back decodes and carries the query's ID.
TEST(DnsResponder, SurvivesGarbage) {
  std::mt19937 rng(20240611);
  bytes valid = test::make_query(0xABCD, "health-service.default.svc.cluster.local", type_a);
  test::add_edns(valid);
  for (int i = 0; i < 200000; ++i) {
    bytes packet;
    if (i % 2 == 0) {
      packet.resize(rng() % 64);
      for (auto& b : packet) b = static_cast<uint8_t>(rng());
    } else {
      packet = valid;
      for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips)
        packet[rng() % packet.size()] = static_cast<uint8_t>(rng());
      packet.resize(rng() % (packet.size() + 1));
    }
    auto out = raw(packet);
    if (!out) continue;
    ASSERT_GE(packet.size(), header_size);
    ASSERT_LE(out->size(), max_udp_response);
    test::reply r;
    ASSERT_NO_THROW(r = test::decode(*out));
    ASSERT_EQ(r.id, packet[0] << 8 | packet[1]);
    ASSERT_TRUE(r.qr());
  }
}

}  // namespace
}  // namespace orkest::dns
