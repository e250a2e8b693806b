#pragma once
// Helpers for the DNS tests: queries built by hand byte by byte, an independent decoder for
// replies (not the library's own, so the two cannot share a mistake), and a UDP client on
// 127.0.0.1 whose every wait is bounded by poll().

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace orkest::dns::test {

using bytes = std::vector<uint8_t>;

// The upper bound of every wait. Generous: it only matters when a test fails.
constexpr int patience_ms = 5000;

inline void put16(bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

// "a.b.c" -> 1 'a' 1 'b' 1 'c' 0
inline void put_name(bytes& out, const std::string& dotted) {
  size_t start = 0;
  while (start < dotted.size()) {
    size_t dot = dotted.find('.', start);
    if (dot == std::string::npos) dot = dotted.size();
    out.push_back(static_cast<uint8_t>(dot - start));
    out.insert(out.end(), dotted.begin() + static_cast<long>(start), dotted.begin() + static_cast<long>(dot));
    start = dot + 1;
  }
  out.push_back(0);
}

// A header with the given flags and counts; the question, if any, is up to the caller.
inline bytes header(uint16_t id, uint16_t flags, uint16_t qdcount, uint16_t arcount = 0) {
  bytes out;
  put16(out, id);
  put16(out, flags);
  put16(out, qdcount);
  put16(out, 0);
  put16(out, 0);
  put16(out, arcount);
  return out;
}

// A standard query (RD set unless told otherwise) with one question.
inline bytes make_query(uint16_t id, const std::string& name, uint16_t qtype, uint16_t qclass = 1, bool rd = true) {
  bytes out = header(id, rd ? 0x0100 : 0, 1);
  put_name(out, name);
  put16(out, qtype);
  put16(out, qclass);
  return out;
}

// Appends an EDNS OPT pseudo-record (RFC 6891: root name, type 41, class = UDP size) with
// the DO bit set, and counts it in ARCOUNT.
inline void add_edns(bytes& query) {
  query.push_back(0);
  put16(query, 41);
  put16(query, 4096);
  put16(query, 0);
  put16(query, 0x8000);
  put16(query, 0);
  query[11] = static_cast<uint8_t>(query[11] + 1);
}

struct answer_record {
  uint16_t type = 0, klass = 0;
  uint32_t ttl = 0;
  std::string address;  // dotted quad for A records
};

struct reply {
  uint16_t id = 0, flags = 0, qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
  std::string qname;  // as sent, case preserved, dotted
  uint16_t qtype = 0, qclass = 0;
  std::vector<answer_record> answers;

  int rcode() const { return flags & 0xF; }
  bool qr() const { return flags & 0x8000; }
  bool aa() const { return flags & 0x0400; }
  bool tc() const { return flags & 0x0200; }
  bool rd() const { return flags & 0x0100; }
  int opcode() const { return (flags >> 11) & 0xF; }
};

// Decodes what the server sends: no compression in the question, a 2-byte pointer (or a
// plain name) as each answer's owner. Throws on anything else, failing the test.
inline reply decode(const bytes& in) {
  auto need = [&](size_t pos, size_t n) {
    if (pos + n > in.size()) throw std::runtime_error("reply truncated");
  };
  auto u16 = [&](size_t pos) {
    need(pos, 2);
    return static_cast<uint16_t>(in[pos] << 8 | in[pos + 1]);
  };
  auto skip_name = [&](size_t& pos, std::string* text) {
    for (;;) {
      need(pos, 1);
      uint8_t len = in[pos];
      if (len == 0) { ++pos; return; }
      if ((len & 0xC0) == 0xC0) { need(pos, 2); pos += 2; return; }
      need(pos + 1, len);
      if (text) {
        if (!text->empty()) *text += '.';
        text->append(reinterpret_cast<const char*>(&in[pos + 1]), len);
      }
      pos += 1 + len;
    }
  };
  reply r;
  r.id = u16(0);
  r.flags = u16(2);
  r.qdcount = u16(4);
  r.ancount = u16(6);
  r.nscount = u16(8);
  r.arcount = u16(10);
  size_t pos = 12;
  if (r.qdcount == 1) {
    skip_name(pos, &r.qname);
    r.qtype = u16(pos);
    r.qclass = u16(pos + 2);
    pos += 4;
  }
  for (int i = 0; i < r.ancount; ++i) {
    skip_name(pos, nullptr);
    answer_record a;
    a.type = u16(pos);
    a.klass = u16(pos + 2);
    a.ttl = static_cast<uint32_t>(u16(pos + 4)) << 16 | u16(pos + 6);
    uint16_t rdlength = u16(pos + 8);
    pos += 10;
    need(pos, rdlength);
    if (a.type == 1 && rdlength == 4) {
      char text[INET_ADDRSTRLEN];
      ::inet_ntop(AF_INET, &in[pos], text, sizeof text);
      a.address = text;
    }
    pos += rdlength;
    r.answers.push_back(a);
  }
  if (pos != in.size()) throw std::runtime_error("trailing bytes after the answers");
  return r;
}

// A UDP socket connected to 127.0.0.1:port.
class udp_client {
 public:
  explicit udp_client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
  }
  ~udp_client() { ::close(fd_); }
  udp_client(const udp_client&) = delete;
  udp_client& operator=(const udp_client&) = delete;

  void send(const bytes& datagram) {
    if (::send(fd_, datagram.data(), datagram.size(), 0) != static_cast<ssize_t>(datagram.size()))
      throw std::runtime_error("send");
  }

  // For floods: errors (ECONNREFUSED once the server is gone, a full buffer) are expected.
  bool try_send(const bytes& datagram) { return ::send(fd_, datagram.data(), datagram.size(), MSG_DONTWAIT) >= 0; }

  // The next datagram, or nothing within `timeout_ms`.
  std::optional<bytes> receive(int timeout_ms = patience_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return std::nullopt;
    bytes buffer(65536);
    ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n < 0) return std::nullopt;
    buffer.resize(static_cast<size_t>(n));
    return buffer;
  }

  // The next reply carrying `id`, skipping replies to earlier datagrams; nothing if none
  // arrives within the patience.
  std::optional<reply> receive_reply(uint16_t id) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(patience_ms);
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto datagram = receive(static_cast<int>(left.count()));
      if (!datagram) return std::nullopt;
      if (datagram->size() >= 2 && ((*datagram)[0] << 8 | (*datagram)[1]) == id) return decode(*datagram);
    }
  }

  std::optional<reply> ask(const bytes& query) {
    send(query);
    return receive_reply(static_cast<uint16_t>(query[0] << 8 | query[1]));
  }

 private:
  int fd_ = -1;
};

}  // namespace orkest::dns::test
