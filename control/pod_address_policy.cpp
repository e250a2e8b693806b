#include "control/pod_address_policy.hpp"

#include <stdexcept>

#include "control/ip_allocator.hpp"

namespace orkest::control {
namespace {

struct cidr_bounds {
  uint32_t network = 0;
  uint32_t broadcast = 0;
};

cidr_bounds parse_cidr(const std::string& cidr) {
  const auto slash = cidr.find('/');
  const auto base = parse_ipv4(cidr.substr(0, slash));
  const std::string prefix_text = slash == std::string::npos ? "" : cidr.substr(slash + 1);
  if (!base || prefix_text.empty() || prefix_text.size() > 2 ||
      prefix_text.find_first_not_of("0123456789") != std::string::npos || std::stoi(prefix_text) > 32)
    throw std::invalid_argument("invalid CIDR: " + cidr);
  const int prefix = std::stoi(prefix_text);
  const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return {*base & mask, (*base & mask) | ~mask};
}

bool in(uint32_t address, uint32_t network, int prefix) {
  const uint32_t mask = ~uint32_t{0} << (32 - prefix);
  return (address & mask) == network;
}

}  // namespace

pod_address_policy::pod_address_policy(const std::string& pod_network, const std::string& service_cidr) {
  if (!pod_network.empty()) {
    const auto bounds = parse_cidr(pod_network);
    pod_hosts_ = range{bounds.network + 2, bounds.broadcast - 1};
  }
  if (!service_cidr.empty()) {
    const auto bounds = parse_cidr(service_cidr);
    services_ = range{bounds.network, bounds.broadcast};
  }
}

pod_address_policy::pod_address_policy(const std::string& pod_network, const std::string& service_cidr,
                                       const std::string& cluster_pod_cidr, int node_mask_size)
    : pod_address_policy(pod_network, service_cidr) {
  if (cluster_pod_cidr.empty()) return;
  const auto bounds = parse_cidr(cluster_pod_cidr);
  const uint64_t cluster_size = uint64_t{bounds.broadcast} - bounds.network + 1;
  if (node_mask_size < 1 || node_mask_size > 30 || (uint64_t{1} << (32 - node_mask_size)) > cluster_size)
    throw std::invalid_argument("invalid node block size /" + std::to_string(node_mask_size) + " for " + cluster_pod_cidr);
  cluster_ = range{bounds.network, bounds.broadcast};
  node_block_size_ = uint32_t{1} << (32 - node_mask_size);
}

bool pod_address_policy::allows(const std::string& ip) const {
  const auto address = parse_ipv4(ip);
  if (!address) return false;
  if (in(*address, 0x00000000, 8) ||   // 0.0.0.0/8: "this network"
      in(*address, 0x7f000000, 8) ||   // 127.0.0.0/8: loopback
      in(*address, 0xa9fe0000, 16) ||  // 169.254.0.0/16: link-local
      in(*address, 0xe0000000, 4) ||   // 224.0.0.0/4: multicast
      *address == 0xffffffff)
    return false;
  if (services_ && services_->contains(*address)) return false;
  if (cluster_ && cluster_->contains(*address)) {
    const uint32_t offset = (*address - cluster_->first) % node_block_size_;
    if (offset >= 2 && offset < node_block_size_ - 1) return true;
  }
  return !pod_hosts_ || pod_hosts_->contains(*address);
}

}  // namespace orkest::control
