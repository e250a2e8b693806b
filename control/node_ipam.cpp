#include "control/node_ipam.hpp"

#include <cstdint>
#include <vector>

#include "control/ipv4_cidr.hpp"

namespace orkest::control {

std::optional<std::string> next_pod_cidr(const std::string& cluster_cidr, int node_mask_size,
                                         const std::set<std::string>& taken) {
  auto cluster = parse_ipv4_cidr(cluster_cidr);
  if (!cluster || node_mask_size > 32 || node_mask_size < 0) return std::nullopt;
  const uint64_t block = uint64_t{1} << (32 - node_mask_size);
  if (block > cluster->last - cluster->first + 1) return std::nullopt;
  std::vector<ipv4_cidr> used;
  for (const auto& cidr : taken)
    if (auto parsed = parse_ipv4_cidr(cidr)) used.push_back(*parsed);
  for (uint64_t start = cluster->first; start + block - 1 <= cluster->last; start += block) {
    const ipv4_cidr candidate{start, start + block - 1, node_mask_size};
    bool free = true;
    for (const auto& other : used)
      if (other.overlaps(candidate)) free = false;
    if (free) return candidate.text();
  }
  return std::nullopt;
}

}  // namespace orkest::control
