#pragma once
// DNS wire format (RFC 1035), only as much as a responder for A records needs: decoding one
// query and encoding the replies to it. Pure functions over byte buffers; what to answer is
// decided in dns_responder.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace orkest::dns {

constexpr uint16_t type_a = 1;
constexpr uint16_t type_aaaa = 28;
constexpr uint16_t type_opt = 41;
constexpr uint16_t class_in = 1;

enum class rcode : uint8_t { no_error = 0, format_error = 1, server_failure = 2, name_error = 3, not_implemented = 4 };

constexpr size_t header_size = 12;
// Without EDNS a client accepts at most 512 bytes over UDP (RFC 1035 4.2.1).
constexpr size_t max_udp_response = 512;

struct query {
  uint16_t id = 0;
  bool recursion_desired = false;
  // The question name's labels as sent (original case), so the reply can echo the question
  // byte for byte: resolvers that randomise case (0x20 encoding) compare it.
  std::vector<std::string> labels;
  uint16_t qtype = 0;
  uint16_t qclass = 0;
};

// Why a datagram is not a query we can answer normally. `drop`: no reply at all (too short
// to carry an ID, or itself a response: answering responses could start a loop between two
// servers). The others get a header-only error reply.
enum class query_failure { drop, format_error, not_implemented };

// Decodes the header and the single question. Compression pointers are followed, bounded in
// number and checked against the buffer. Everything after the question (answer, authority,
// additional sections, EDNS OPT included) is ignored.
std::variant<query, query_failure> parse_query(const uint8_t* data, size_t size);

// The name as the record table spells it: labels joined by dots, ASCII lower-cased, no
// trailing dot; "" for the root. Nothing when a label itself contains a dot: joined, it would
// read as a different name ("a.b" as one label is not the two labels "a" and "b").
std::optional<std::string> lookup_name(const query& q);

// A reply that echoes the question: QR, AA, copied ID and RD, `code`, and one A record per
// address (TTL `ttl`), as many as fit in `max_size` bytes. Fewer answers rather than TC:
// clients would retry over TCP, which this responder does not serve.
std::vector<uint8_t> encode_response(const query& q, rcode code, const std::vector<std::array<uint8_t, 4>>& addresses,
                                     uint32_t ttl, size_t max_size = max_udp_response);

// A header-only reply (no question) for a datagram whose header is readable but whose body is
// not: ID, opcode and RD copied from `data`, QR set, `code`. Empty if `size` < header_size.
std::vector<uint8_t> encode_error(const uint8_t* data, size_t size, rcode code);

}  // namespace orkest::dns
