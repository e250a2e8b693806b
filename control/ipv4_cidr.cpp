#include "control/ipv4_cidr.hpp"

#include "control/ip_allocator.hpp"

namespace orkest::control {

std::string ipv4_cidr::text() const {
  return format_ipv4(static_cast<uint32_t>(first)) + "/" + std::to_string(prefix);
}

std::optional<ipv4_cidr> parse_ipv4_cidr(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto address = parse_ipv4(text.substr(0, slash));
  const auto bits = text.substr(slash + 1);
  if (!address || bits.empty() || bits.size() > 2 || bits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const int prefix = std::stoi(bits);
  if (prefix > 32) return std::nullopt;
  const uint64_t size = uint64_t{1} << (32 - prefix);
  const uint64_t first = *address & ~(size - 1);
  return ipv4_cidr{first, first + size - 1, prefix};
}

}  // namespace orkest::control
