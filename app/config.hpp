#pragma once
// orkest's configuration: one YAML file (conf/orkest.yaml by default), read once at startup.
// Relative paths in it are relative to the file's own folder.

#include <chrono>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace orkest::app {

struct config {
  // api
  std::string api_address = "127.0.0.1";
  uint16_t api_port = 3000;
  int api_threads = 2;
  std::size_t max_body_bytes = 3 * 1024 * 1024;
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds read_timeout{60000};  // a request not received whole by then: 408
  std::chrono::milliseconds watch_timeout{1800000};  // the longest a watch or log follow stays open
  std::chrono::milliseconds idle_timeout{90000};     // keep-alive connections between requests
  int max_connections = 1000;
  int max_watches = 500;
  int max_log_follows = 64;
  std::string api_token;  // empty: no authentication
  std::string tls_cert_file;  // both set: HTTPS
  std::string tls_key_file;
  // log
  std::string log_level = "info";
  // reconcile
  std::chrono::milliseconds resync_period{5000};
  // runtime
  std::string runtime = "podman";  // podman | fake
  std::string podman_binary = "podman";
  std::string containers_conf;     // absolute after loading; empty: podman's own
  std::string network = "orkest";
  std::string subnet = "10.89.100.0/24";
  std::chrono::milliseconds runtime_command_timeout{60000};
  std::size_t runtime_workers = 8;
  // cluster
  std::string node_name = "orkest";  // this node's Node object
  std::string node_ip;               // its InternalIP; empty: the host's first address (app/host_facts)
  std::string pod_cidr = "10.42.0.0/16";  // agents' podCIDRs come from here
  int node_cidr_mask_size = 24;            // one block of this many bits per node
  std::string service_cidr = "10.96.0.0/16";
  std::string dns_ip = "10.96.0.10";  // empty: no cluster DNS
  std::string cluster_domain = "cluster.local";
  int max_pods = 110;
  bool allow_privileged = false;  // security.allowPrivileged: privileged containers, any capability
  // security.hostPathAllowed: folders (absolute) whose paths pods may mount as hostPath volumes.
  std::vector<std::string> host_path_allowed;
  // services
  std::string service_host_address = "0.0.0.0";
  bool cluster_ips_on_loopback = true;
  bool host_ports_below_1024 = false;
  int max_connections_per_port = 4096;
  int node_port_first = 30000;  // services.nodePortRange: NodePort and LoadBalancer Services' ports
  int node_port_last = 32767;
  // nodes
  std::chrono::milliseconds node_lease_renew{2000};  // how often a node renews its Lease
  std::chrono::milliseconds node_grace_period{8000};  // silent this long: Unknown, its pods go elsewhere
  int kubelet_port = 10250;  // where an agent answers the server's log requests for its pods
  // storage
  std::string storage_backend = "sqlite";  // sqlite | memory
  std::string data_dir;                    // absolute after loading: the database's folder
  bool storage_full_sync = true;           // sync: full (fsync per commit) | normal
  std::chrono::seconds storage_history{300};
  // events
  std::chrono::seconds events_ttl{3600};  // an Event not seen again for this long is deleted
  int events_limit = 1000;                // the most Events kept; the oldest go first
  // bootstrap
  std::string manifests;  // folder of YAML/JSON manifests applied at startup; empty: none

  std::string source;  // the file this came from
};

// Reads and checks a configuration file. Errors name the file, the key and what is wrong.
std::variant<config, std::string> load_config(const std::string& path);

// Where the database lives when storage.dataDir is empty: /var/lib/orkest for root, else
// $XDG_DATA_HOME/orkest (~/.local/share/orkest).
std::string default_data_dir();

// The database file in a data folder.
inline std::string database_path(const std::string& data_dir) { return data_dir + "/orkest.db"; }

}  // namespace orkest::app
