#pragma once
// The Node object and Lease a node keeps of itself, as a kubelet writes them: the host's
// capacity, addresses and versions; the Ready condition and its companions with their
// heartbeat; the lease renewed while the node lives. Pure: the host is read by app/host_facts.

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace orkest::control {

struct node_description {
  std::string name;
  std::map<std::string, std::string> labels;  // besides kubernetes.io/hostname, os and arch
  std::int64_t cpu_cores = 1;
  std::int64_t memory_bytes = 0;
  std::int64_t max_pods = 110;
  std::string internal_ip;
  std::string hostname;
  std::string kernel_version, os_image, container_runtime_version, kubelet_version;
  std::string architecture = "amd64";
  std::string machine_id, boot_id;
  std::string pod_cidr;  // the subnet its pods' addresses come from, when it has one already
  int kubelet_port = 0;  // where its agent answers log requests for its pods (0: none, the server's own)
};

inline constexpr const char* node_lease_namespace = "kube-node-lease";

// The Node a node registers: labels, capacity and allocatable, addresses, nodeInfo, conditions.
nlohmann::json node_object(const node_description& node, std::chrono::system_clock::time_point now);

// The status it posts: conditions renewed at `now` (their transition times kept from
// `previous` where unchanged), the rest as described.
nlohmann::json node_status(const node_description& node, const nlohmann::json& previous,
                           std::chrono::system_clock::time_point now);

// The node's Lease in kube-node-lease, renewed `now`.
nlohmann::json node_lease(const std::string& node_name, std::chrono::seconds duration,
                          std::chrono::system_clock::time_point now);

}  // namespace orkest::control
