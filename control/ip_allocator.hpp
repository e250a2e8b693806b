#pragma once
// Hands out addresses from one CIDR, as the apiserver does for Services' cluster IPs and
// node IPAM for pods: the network address, the first host and the broadcast address never.

#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace orkest::control {

class ip_allocator {
 public:
  // cidr like "10.96.0.0/16"; the network address, the first host (kept for an API address
  // or the pod network's gateway) and the broadcast address are never handed out. Throws
  // std::invalid_argument for anything else than an IPv4 CIDR of /8 to /29.
  explicit ip_allocator(const std::string& cidr);

  std::optional<std::string> allocate();  // nullopt when the range is full
  // Claims a specific address; false if outside the range or taken.
  bool claim(const std::string& ip);
  void release(const std::string& ip);
  bool contains(const std::string& ip) const;
  const std::string& cidr() const { return cidr_; }

 private:
  std::string cidr_;
  uint32_t first_ = 0;
  uint32_t last_ = 0;
  uint32_t next_ = 0;
  std::set<uint32_t> taken_;
};

std::optional<uint32_t> parse_ipv4(const std::string& text);
std::string format_ipv4(uint32_t address);

}  // namespace orkest::control
