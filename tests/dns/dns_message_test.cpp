// The wire format alone: decoding queries (names, compression pointers, malformed input) and
// encoding replies, checked against hand-built packets and an independent decoder.

#include "dns/dns_message.hpp"

#include <gtest/gtest.h>

#include "dns_test_support.hpp"

namespace orkest::dns {
namespace {

using test::bytes;

std::variant<query, query_failure> parse(const bytes& packet) { return parse_query(packet.data(), packet.size()); }

query parsed_ok(const bytes& packet) {
  auto result = parse(packet);
  if (!std::holds_alternative<query>(result)) throw std::runtime_error("query did not parse");
  return std::get<query>(result);
}

query_failure parsed_failure(const bytes& packet) {
  auto result = parse(packet);
  if (!std::holds_alternative<query_failure>(result)) throw std::runtime_error("query parsed unexpectedly");
  return std::get<query_failure>(result);
}

TEST(DnsMessage, ParsesHeaderAndQuestion) {
  auto q = parsed_ok(test::make_query(0xBEEF, "health-service.default.svc.cluster.local", type_aaaa));
  EXPECT_EQ(q.id, 0xBEEF);
  EXPECT_TRUE(q.recursion_desired);
  EXPECT_EQ(q.labels, (std::vector<std::string>{"health-service", "default", "svc", "cluster", "local"}));
  EXPECT_EQ(q.qtype, type_aaaa);
  EXPECT_EQ(q.qclass, class_in);
  EXPECT_EQ(lookup_name(q), "health-service.default.svc.cluster.local");

  EXPECT_FALSE(parsed_ok(test::make_query(1, "ping", type_a, class_in, false)).recursion_desired);
}

TEST(DnsMessage, LookupNameIsLowerCaseAndRejectsDotsInsideLabels) {
  auto q = parsed_ok(test::make_query(1, "PiNg.DEFAULT.Pod.Cluster.Local", type_a));
  EXPECT_EQ(q.labels[0], "PiNg");  // kept as sent, for the echo
  EXPECT_EQ(lookup_name(q), "ping.default.pod.cluster.local");

  bytes packet = test::header(1, 0, 1);
  packet.insert(packet.end(), {3, 'a', '.', 'b', 0, 0, 1, 0, 1});  // one label "a.b"
  EXPECT_EQ(lookup_name(parsed_ok(packet)), std::nullopt);

  EXPECT_EQ(lookup_name(parsed_ok(test::make_query(1, "", type_a))), "");  // the root
}

TEST(DnsMessage, FollowsCompressionPointers) {
  // "ping" then a pointer to "cluster.local", stored after the question.
  bytes packet = test::header(7, 0x0100, 1);
  packet.insert(packet.end(), {4, 'p', 'i', 'n', 'g', 0xC0, 0});
  size_t pointer_low_byte = packet.size() - 1;
  test::put16(packet, type_a);
  test::put16(packet, class_in);
  packet[pointer_low_byte] = static_cast<uint8_t>(packet.size());
  test::put_name(packet, "cluster.local");

  auto q = parsed_ok(packet);
  EXPECT_EQ(lookup_name(q), "ping.cluster.local");
  EXPECT_EQ(q.qtype, type_a);  // read right after the pointer, not after the name it points to
  EXPECT_EQ(q.qclass, class_in);
}

TEST(DnsMessage, RejectsCompressionLoops) {
  bytes self = test::header(1, 0, 1);
  self.insert(self.end(), {0xC0, 12, 0, 1, 0, 1});  // points at itself
  EXPECT_EQ(parsed_failure(self), query_failure::format_error);

  bytes pair = test::header(1, 0, 1);
  pair.insert(pair.end(), {1, 'a', 0xC0, 16, 0xC0, 12, 0, 1, 0, 1});  // 14 -> 16 -> 12 -> 14 ...
  EXPECT_EQ(parsed_failure(pair), query_failure::format_error);
}

TEST(DnsMessage, RejectsMalformedNames) {
  auto expect_formerr = [](bytes tail) {
    bytes packet = test::header(1, 0, 1);
    packet.insert(packet.end(), tail.begin(), tail.end());
    EXPECT_EQ(parsed_failure(packet), query_failure::format_error);
  };
  expect_formerr({});                                // no question at all
  expect_formerr({4, 'p', 'i'});                     // label runs past the end
  expect_formerr({4, 'p', 'i', 'n', 'g'});           // no terminating zero
  expect_formerr({4, 'p', 'i', 'n', 'g', 0, 0, 1});  // type without class
  expect_formerr({0xC0});                            // half a pointer
  expect_formerr({0xC0, 200, 0, 1, 0, 1});           // pointer past the end
  expect_formerr({0x3F, 0xFF, 0, 1, 0, 1});          // 0x3F past the end
  expect_formerr({0x40, 'a', 0, 0, 1, 0, 1});        // extended label type
  expect_formerr({0x80, 'a', 0, 0, 1, 0, 1});        // reserved label type

  // Longer than 255 bytes on the wire: five labels of 63.
  bytes too_long;
  for (int i = 0; i < 5; ++i) {
    too_long.push_back(63);
    too_long.insert(too_long.end(), 63, 'x');
  }
  too_long.insert(too_long.end(), {0, 0, 1, 0, 1});
  expect_formerr(too_long);

  // 255 exactly is fine: three labels of 63, one of 61, plus lengths and the zero.
  bytes longest = test::header(1, 0, 1);
  for (int length : {63, 63, 63, 61}) {
    longest.push_back(static_cast<uint8_t>(length));
    longest.insert(longest.end(), static_cast<size_t>(length), 'x');
  }
  longest.insert(longest.end(), {0, 0, 1, 0, 1});
  EXPECT_EQ(parsed_ok(longest).labels.size(), 4u);
}

TEST(DnsMessage, HeaderLevelFailures) {
  EXPECT_EQ(parsed_failure(bytes{}), query_failure::drop);
  EXPECT_EQ(parsed_failure(bytes(11, 0)), query_failure::drop);

  bytes response = test::make_query(1, "ping", type_a);
  response[2] |= 0x80;  // QR: a reply, never answered
  EXPECT_EQ(parsed_failure(response), query_failure::drop);

  bytes status = test::make_query(1, "ping", type_a);
  status[2] |= 2 << 3;  // opcode STATUS
  EXPECT_EQ(parsed_failure(status), query_failure::not_implemented);

  EXPECT_EQ(parsed_failure(test::header(1, 0, 0)), query_failure::format_error);
  bytes two = test::header(1, 0, 2);
  test::put_name(two, "a");
  test::put16(two, 1);
  test::put16(two, 1);
  test::put_name(two, "b");
  test::put16(two, 1);
  test::put16(two, 1);
  EXPECT_EQ(parsed_failure(two), query_failure::format_error);
}

TEST(DnsMessage, IgnoresEdnsAndOtherTrailingSections) {
  bytes packet = test::make_query(9, "ping", type_a);
  test::add_edns(packet);
  auto q = parsed_ok(packet);
  EXPECT_EQ(lookup_name(q), "ping");
  EXPECT_EQ(q.qtype, type_a);
}

TEST(DnsMessage, EncodesAnswersThatRoundTrip) {
  auto q = parsed_ok(test::make_query(0x1234, "Ping.default.svc.cluster.local", type_a));
  auto reply = test::decode(encode_response(q, rcode::no_error, {{10, 88, 0, 7}, {10, 88, 0, 8}}, 5));
  EXPECT_EQ(reply.id, 0x1234);
  EXPECT_TRUE(reply.qr());
  EXPECT_TRUE(reply.aa());
  EXPECT_TRUE(reply.rd());
  EXPECT_FALSE(reply.tc());
  EXPECT_EQ(reply.opcode(), 0);
  EXPECT_EQ(reply.rcode(), 0);
  EXPECT_EQ(reply.qdcount, 1);
  EXPECT_EQ(reply.qname, "Ping.default.svc.cluster.local");
  EXPECT_EQ(reply.qtype, type_a);
  EXPECT_EQ(reply.qclass, class_in);
  EXPECT_EQ(reply.arcount, 0);
  ASSERT_EQ(reply.answers.size(), 2u);
  EXPECT_EQ(reply.answers[0].address, "10.88.0.7");
  EXPECT_EQ(reply.answers[1].address, "10.88.0.8");
  EXPECT_EQ(reply.answers[0].type, type_a);
  EXPECT_EQ(reply.answers[0].klass, class_in);
  EXPECT_EQ(reply.answers[0].ttl, 5u);

  // The answer's owner is a pointer to the question name at offset 12.
  auto wire = encode_response(q, rcode::no_error, {{1, 2, 3, 4}}, 5);
  size_t answer_start = wire.size() - 16;
  EXPECT_EQ(wire[answer_start], 0xC0);
  EXPECT_EQ(wire[answer_start + 1], 12);
}

TEST(DnsMessage, EncodesErrorsWithoutAnswers) {
  auto q = parsed_ok(test::make_query(2, "nope", type_a, class_in, false));
  auto reply = test::decode(encode_response(q, rcode::name_error, {}, 5));
  EXPECT_EQ(reply.rcode(), 3);
  EXPECT_TRUE(reply.aa());
  EXPECT_FALSE(reply.rd());
  EXPECT_EQ(reply.ancount, 0);
  EXPECT_EQ(reply.qname, "nope");

  bytes broken = test::header(0x4242, 0x0100 | (1 << 11), 1);  // IQUERY with RD, no question
  auto error = test::decode(encode_error(broken.data(), broken.size(), rcode::not_implemented));
  EXPECT_EQ(error.id, 0x4242);
  EXPECT_TRUE(error.qr());
  EXPECT_TRUE(error.rd());
  EXPECT_EQ(error.opcode(), 1);
  EXPECT_EQ(error.rcode(), 4);
  EXPECT_EQ(error.qdcount, 0);
  EXPECT_TRUE(encode_error(broken.data(), 11, rcode::format_error).empty());
}

TEST(DnsMessage, CapsAnswersToOneUdpDatagram) {
  auto q = parsed_ok(test::make_query(3, "many", type_a));
  std::vector<std::array<uint8_t, 4>> addresses(100, {10, 0, 0, 1});
  auto wire = encode_response(q, rcode::no_error, addresses, 5);
  EXPECT_LE(wire.size(), max_udp_response);
  auto reply = test::decode(wire);
  // 12 header + 10 question ("many" = 6 bytes + type + class) leaves room for 30 answers.
  EXPECT_EQ(reply.answers.size(), 30u);
  EXPECT_FALSE(reply.tc());
}

}  // namespace
}  // namespace orkest::dns
