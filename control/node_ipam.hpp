#pragma once
// Kubernetes' node IPAM as a pure function: each node gets a podCIDR, the first block of the
// cluster's pod CIDR (cluster.podCIDR, blocks of cluster.nodeCIDRMaskSize bits) that no node
// holds; its pods take their addresses from it.

#include <optional>
#include <set>
#include <string>

namespace orkest::control {

// The first free block ("10.42.3.0/24"), or nullopt when every block is taken or the cluster
// CIDR is not an IPv4 CIDR wider than the blocks. `taken` holds other nodes' podCIDRs; a taken
// CIDR that overlaps a block (of another size, or outside the range) takes that block too.
std::optional<std::string> next_pod_cidr(const std::string& cluster_cidr, int node_mask_size,
                                         const std::set<std::string>& taken);

}  // namespace orkest::control
