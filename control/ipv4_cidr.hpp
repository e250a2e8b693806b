#pragma once
// An IPv4 CIDR as the range of addresses it covers ("10.42.1.7/24" covers 10.42.1.0 to
// 10.42.1.255): for comparing blocks (node IPAM) and routing to them (pod routes).

#include <cstdint>
#include <optional>
#include <string>

namespace orkest::control {

struct ipv4_cidr {
  uint64_t first = 0, last = 0;  // inclusive; 64 bits so that last + 1 never wraps
  int prefix = 0;

  bool overlaps(const ipv4_cidr& other) const { return first <= other.last && other.first <= last; }
  bool contains(uint32_t address) const { return first <= address && address <= last; }
  // Its canonical text, host bits zero: "10.42.1.0/24".
  std::string text() const;
};

// nullopt for anything but "a.b.c.d/n" with n from 0 to 32.
std::optional<ipv4_cidr> parse_ipv4_cidr(const std::string& text);

}  // namespace orkest::control
