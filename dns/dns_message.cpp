#include "dns/dns_message.hpp"

namespace orkest::dns {
namespace {

constexpr uint16_t flag_qr = 0x8000;
constexpr uint16_t mask_opcode = 0x7800;
constexpr uint16_t flag_aa = 0x0400;
constexpr uint16_t flag_rd = 0x0100;

// RFC 1035 limits: a label is at most 63 bytes, a name at most 255 bytes on the wire.
constexpr size_t max_label = 63;
constexpr size_t max_name = 255;
// A name has at most 127 labels, so an honest encoder never needs more pointers than that;
// more means a loop (a pointer to itself, or two pointing at each other).
constexpr int max_pointers = 128;

uint16_t read_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

void put_u16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  put_u16(out, static_cast<uint16_t>(v >> 16));
  put_u16(out, static_cast<uint16_t>(v));
}

// Decodes the name starting at `pos` into `labels` and advances `pos` past it (past the first
// pointer if there is one: the rest of the name lives elsewhere). False for anything
// malformed; every read is checked against `size`.
bool read_name(const uint8_t* data, size_t size, size_t& pos, std::vector<std::string>& labels) {
  size_t cursor = pos;
  bool jumped = false;
  int pointers = 0;
  size_t wire_length = 1;  // the terminating zero label
  for (;;) {
    if (cursor >= size) return false;
    uint8_t length = data[cursor];
    if ((length & 0xC0) == 0xC0) {
      if (cursor + 1 >= size || ++pointers > max_pointers) return false;
      size_t target = static_cast<size_t>(length & 0x3F) << 8 | data[cursor + 1];
      if (!jumped) pos = cursor + 2;
      jumped = true;
      cursor = target;
      continue;
    }
    if (length > max_label) return false;  // 0x40 and 0x80: obsolete/reserved label types
    if (length == 0) {
      if (!jumped) pos = cursor + 1;
      return true;
    }
    wire_length += 1 + length;
    if (wire_length > max_name || cursor + 1 + length > size) return false;
    labels.emplace_back(reinterpret_cast<const char*>(data + cursor + 1), length);
    cursor += 1 + length;
  }
}

std::vector<uint8_t> header(uint16_t id, uint16_t flags, uint16_t qdcount, uint16_t ancount) {
  std::vector<uint8_t> out;
  out.reserve(max_udp_response);
  put_u16(out, id);
  put_u16(out, flags);
  put_u16(out, qdcount);
  put_u16(out, ancount);
  put_u16(out, 0);  // NSCOUNT
  put_u16(out, 0);  // ARCOUNT: no OPT back, which tells an EDNS client we do not speak EDNS
  return out;
}

}  // namespace

std::variant<query, query_failure> parse_query(const uint8_t* data, size_t size) {
  if (size < header_size) return query_failure::drop;
  uint16_t flags = read_u16(data + 2);
  if (flags & flag_qr) return query_failure::drop;
  if (flags & mask_opcode) return query_failure::not_implemented;  // only QUERY (0)
  if (read_u16(data + 4) != 1) return query_failure::format_error;  // QDCOUNT: exactly one question

  query q;
  q.id = read_u16(data);
  q.recursion_desired = flags & flag_rd;
  size_t pos = header_size;
  if (!read_name(data, size, pos, q.labels)) return query_failure::format_error;
  if (pos + 4 > size) return query_failure::format_error;
  q.qtype = read_u16(data + pos);
  q.qclass = read_u16(data + pos + 2);
  return q;
}

std::optional<std::string> lookup_name(const query& q) {
  std::string name;
  for (const auto& label : q.labels) {
    if (label.find('.') != std::string::npos) return std::nullopt;
    if (!name.empty()) name += '.';
    for (char c : label) name += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;  // ASCII only, no locale
  }
  return name;
}

std::vector<uint8_t> encode_response(const query& q, rcode code, const std::vector<std::array<uint8_t, 4>>& addresses,
                                     uint32_t ttl, size_t max_size) {
  uint16_t flags = flag_qr | flag_aa | (q.recursion_desired ? flag_rd : 0) | static_cast<uint16_t>(code);
  std::vector<uint8_t> out = header(q.id, flags, 1, 0);
  for (const auto& label : q.labels) {
    out.push_back(static_cast<uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
  }
  out.push_back(0);
  put_u16(out, q.qtype);
  put_u16(out, q.qclass);

  constexpr size_t answer_size = 2 + 2 + 2 + 4 + 2 + 4;  // pointer, type, class, TTL, RDLENGTH, address
  uint16_t count = 0;
  for (const auto& address : addresses) {
    if (out.size() + answer_size > max_size) break;
    put_u16(out, 0xC000 | header_size);  // the owner name is the question's, right after the header
    put_u16(out, type_a);
    put_u16(out, class_in);
    put_u32(out, ttl);
    put_u16(out, 4);
    out.insert(out.end(), address.begin(), address.end());
    ++count;
  }
  out[6] = static_cast<uint8_t>(count >> 8);
  out[7] = static_cast<uint8_t>(count);
  return out;
}

std::vector<uint8_t> encode_error(const uint8_t* data, size_t size, rcode code) {
  if (size < header_size) return {};
  uint16_t flags = read_u16(data + 2);
  return header(read_u16(data), flag_qr | (flags & (mask_opcode | flag_rd)) | static_cast<uint16_t>(code), 0, 0);
}

}  // namespace orkest::dns
