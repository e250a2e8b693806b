#include "dns/dns_responder.hpp"

#include <arpa/inet.h>

#include "dns/dns_message.hpp"

namespace orkest::dns {
namespace {

// Table entries that are not dotted-quad IPv4 are skipped rather than sent as garbage.
std::vector<std::array<uint8_t, 4>> ipv4_addresses(const std::vector<std::string>& texts) {
  std::vector<std::array<uint8_t, 4>> out;
  for (const auto& text : texts) {
    std::array<uint8_t, 4> address{};
    if (::inet_pton(AF_INET, text.c_str(), address.data()) == 1) out.push_back(address);
  }
  return out;
}

}  // namespace

std::optional<std::vector<uint8_t>> respond(const uint8_t* data, size_t size, const record_table& records) {
  auto parsed = parse_query(data, size);
  if (auto* failure = std::get_if<query_failure>(&parsed)) {
    switch (*failure) {
      case query_failure::drop: return std::nullopt;
      case query_failure::format_error: return encode_error(data, size, rcode::format_error);
      case query_failure::not_implemented: return encode_error(data, size, rcode::not_implemented);
    }
    return std::nullopt;
  }
  const query& q = std::get<query>(parsed);

  auto name = lookup_name(q);
  auto found = name ? records.find(*name) : records.end();
  if (found == records.end()) return encode_response(q, rcode::name_error, {}, answer_ttl_seconds);
  if (q.qtype != type_a || q.qclass != class_in) return encode_response(q, rcode::no_error, {}, answer_ttl_seconds);
  return encode_response(q, rcode::no_error, ipv4_addresses(found->second), answer_ttl_seconds);
}

}  // namespace orkest::dns
