#pragma once
// Which addresses may stand for a pod in Endpoints and behind a Service's listeners. A pod's
// status is an API object any client can write: without this check, a client setting a pod's
// podIP to 127.0.0.1 made the Service (listening on every host address) forward the network to
// the host's own loopback services. Kubernetes refuses loopback and link-local endpoints too.

#include <cstdint>
#include <optional>
#include <string>

namespace orkest::control {

class pod_address_policy {
 public:
  // Any IPv4 address that is not loopback, link-local, unspecified, multicast or broadcast.
  pod_address_policy() = default;
  // Only hosts of `pod_network` (its network, gateway and broadcast addresses excluded: the
  // gateway is the host itself), never inside `service_cidr`. Either may be empty. Throws
  // std::invalid_argument for a value that is not an IPv4 CIDR.
  pod_address_policy(const std::string& pod_network, const std::string& service_cidr);
  // Also the hosts of the cluster's pod CIDR, cut in nodes' blocks of `node_mask_size` bits
  // (each block's network, gateway and broadcast addresses excluded: the gateway is that node):
  // pods on other nodes back Services here too. Throws std::invalid_argument as above.
  pod_address_policy(const std::string& pod_network, const std::string& service_cidr,
                     const std::string& cluster_pod_cidr, int node_mask_size);

  bool allows(const std::string& ip) const;

 private:
  struct range {
    uint32_t first = 0;
    uint32_t last = 0;
    bool contains(uint32_t address) const { return address >= first && address <= last; }
  };
  std::optional<range> pod_hosts_;
  std::optional<range> services_;
  std::optional<range> cluster_;  // the cluster's pod CIDR, whole
  uint32_t node_block_size_ = 0;  // its nodes' blocks, in addresses
};

}  // namespace orkest::control
