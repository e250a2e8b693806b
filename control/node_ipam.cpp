#include "control/node_ipam.hpp"

#include <cstdint>
#include <vector>

#include "control/ip_allocator.hpp"

namespace orkest::control {

namespace {

struct range {
  uint64_t first = 0, last = 0;  // inclusive
};

std::optional<range> parse_cidr(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto address = parse_ipv4(text.substr(0, slash));
  int bits = -1;
  try {
    std::size_t used = 0;
    bits = std::stoi(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!address || bits < 0 || bits > 32) return std::nullopt;
  const uint64_t size = uint64_t{1} << (32 - bits);
  const uint64_t first = *address & ~(size - 1);
  return range{first, first + size - 1};
}

}  // namespace

std::optional<std::string> next_pod_cidr(const std::string& cluster_cidr, int node_mask_size,
                                         const std::set<std::string>& taken) {
  auto cluster = parse_cidr(cluster_cidr);
  if (!cluster || node_mask_size > 32) return std::nullopt;
  const uint64_t block = uint64_t{1} << (32 - node_mask_size);
  if (block > cluster->last - cluster->first + 1) return std::nullopt;
  std::vector<range> used;
  for (const auto& cidr : taken)
    if (auto parsed = parse_cidr(cidr)) used.push_back(*parsed);
  for (uint64_t start = cluster->first; start + block - 1 <= cluster->last; start += block) {
    const range candidate{start, start + block - 1};
    bool free = true;
    for (const auto& other : used)
      if (other.first <= candidate.last && candidate.first <= other.last) free = false;
    if (free) return format_ipv4(static_cast<uint32_t>(start)) + "/" + std::to_string(node_mask_size);
  }
  return std::nullopt;
}

}  // namespace orkest::control
