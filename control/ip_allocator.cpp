#include "control/ip_allocator.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <stdexcept>

namespace orkest::control {

std::optional<uint32_t> parse_ipv4(const std::string& text) {
  in_addr address{};
  if (inet_pton(AF_INET, text.c_str(), &address) != 1) return std::nullopt;
  return ntohl(address.s_addr);
}

std::string format_ipv4(uint32_t address) {
  in_addr raw{htonl(address)};
  char buffer[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &raw, buffer, sizeof buffer);
  return buffer;
}

ip_allocator::ip_allocator(const std::string& cidr) : cidr_(cidr) {
  auto slash = cidr.find('/');
  auto base = parse_ipv4(cidr.substr(0, slash));
  // One or two digits only: std::stoi would take "16x" and throw out_of_range for long ones.
  const std::string bits = slash == std::string::npos ? "" : cidr.substr(slash + 1);
  const bool digits = !bits.empty() && bits.size() <= 2 &&
                      std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; });
  const int prefix = digits ? std::stoi(bits) : -1;
  if (!base || prefix < 8 || prefix > 29) throw std::invalid_argument("invalid CIDR: " + cidr);
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  uint32_t network = *base & mask;
  first_ = network + 2;
  last_ = (network | ~mask) - 1;
  next_ = first_;
}

bool ip_allocator::contains(const std::string& ip) const {
  auto address = parse_ipv4(ip);
  return address && *address >= first_ && *address <= last_;
}

std::optional<std::string> ip_allocator::allocate() {
  // Walk on from the last hand-out, so a freed address is not reused at once.
  for (uint32_t tries = 0; tries <= last_ - first_; ++tries) {
    uint32_t candidate = next_;
    next_ = next_ == last_ ? first_ : next_ + 1;
    if (taken_.insert(candidate).second) return format_ipv4(candidate);
  }
  return std::nullopt;
}

bool ip_allocator::claim(const std::string& ip) {
  if (!contains(ip)) return false;
  return taken_.insert(*parse_ipv4(ip)).second;
}

void ip_allocator::release(const std::string& ip) {
  if (auto address = parse_ipv4(ip)) taken_.erase(*address);
}

}  // namespace orkest::control
