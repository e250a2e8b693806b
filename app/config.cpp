#include "app/config.hpp"

#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "model/name_rules.hpp"
#include "control/ip_allocator.hpp"

namespace orkest::app {

namespace {

namespace fs = std::filesystem;

// Reads `section.key` values out of the file, noting each key it knows, so that a key it does
// not know (a typo such as `api.prot`) is refused with a message instead of silently ignored.
class config_reader {
 public:
  explicit config_reader(YAML::Node root) : root_(std::move(root)) {}

  // Reads `section.key` into `target` when present, with a message naming it when malformed.
  template <class T>
  void read(const char* section, const char* key, T& target) {
    known_[section].insert(key);
    const YAML::Node section_node = root_[section];
    if (!section_node.IsDefined() || !section_node.IsMap()) return;
    const YAML::Node node = section_node[key];
    if (!node.IsDefined() || node.IsNull()) return;
    try {
      target = node.as<T>();
    } catch (const YAML::Exception&) {
      throw std::invalid_argument(std::string(section) + "." + key + ": invalid value \"" + YAML::Dump(node) + "\"");
    }
  }

  void read_seconds(const char* section, const char* key, std::chrono::milliseconds& target) {
    double seconds = static_cast<double>(target.count()) / 1000.0;
    read(section, key, seconds);
    if (seconds <= 0) throw std::invalid_argument(std::string(section) + "." + key + ": must be greater than 0");
    target = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  }

  // After every read: a section or key the reads did not ask for is an error naming it.
  void refuse_unknown() const {
    if (!root_.IsMap()) return;
    for (const auto& section : root_) {
      const auto name = section.first.as<std::string>();
      auto known = known_.find(name);
      if (known == known_.end()) throw std::invalid_argument(name + ": unknown section (known: " + sections() + ")");
      if (!section.second.IsMap()) {
        if (section.second.IsNull()) continue;
        throw std::invalid_argument(name + ": must be a mapping of keys");
      }
      for (const auto& entry : section.second) {
        const auto key = entry.first.as<std::string>();
        if (!known->second.count(key))
          throw std::invalid_argument(name + "." + key + ": unknown key (" + name + " takes " + join(known->second) + ")");
      }
    }
  }

 private:
  static std::string join(const std::set<std::string>& names) {
    std::string joined;
    for (const auto& name : names) joined += (joined.empty() ? "" : ", ") + name;
    return joined;
  }
  std::string sections() const {
    std::set<std::string> names;
    for (const auto& [name, keys] : known_) names.insert(name);
    return join(names);
  }

  YAML::Node root_;
  std::map<std::string, std::set<std::string>> known_;  // section -> keys
};

// An address range orkest hands addresses out of: what ip_allocator accepts.
void check_cidr(const char* field, const std::string& cidr) {
  try {
    control::ip_allocator{cidr};
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument(std::string(field) + ": \"" + cidr +
                                "\" is not an IPv4 CIDR from /8 to /29 (like 10.96.0.0/16)");
  }
}

std::string resolve(const fs::path& base, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (base / path).lexically_normal().string();
}

}  // namespace

std::variant<config, std::string> load_config(const std::string& path) {
  config c;
  c.source = path;
  try {
    auto root = YAML::LoadFile(path);
    if (root && !root.IsNull() && !root.IsMap()) return path + ": the configuration must be a YAML mapping";
    config_reader reader(root);
    int port = c.api_port;
    reader.read("api", "address", c.api_address);
    reader.read("api", "port", port);
    reader.read("api", "threads", c.api_threads);
    reader.read("api", "maxBodyBytes", c.max_body_bytes);
    reader.read_seconds("api", "requestTimeoutSeconds", c.request_timeout);
    reader.read_seconds("api", "readTimeoutSeconds", c.read_timeout);
    reader.read_seconds("api", "watchTimeoutSeconds", c.watch_timeout);
    reader.read_seconds("api", "idleTimeoutSeconds", c.idle_timeout);
    reader.read("api", "maxConnections", c.max_connections);
    reader.read("api", "maxWatches", c.max_watches);
    reader.read("api", "maxLogFollows", c.max_log_follows);
    reader.read("api", "token", c.api_token);
    reader.read("api", "tlsCertFile", c.tls_cert_file);
    reader.read("api", "tlsKeyFile", c.tls_key_file);
    reader.read("log", "level", c.log_level);
    reader.read_seconds("reconcile", "periodSeconds", c.resync_period);
    reader.read("runtime", "kind", c.runtime);
    reader.read("runtime", "podman", c.podman_binary);
    reader.read("runtime", "containersConf", c.containers_conf);
    reader.read("runtime", "network", c.network);
    reader.read("runtime", "subnet", c.subnet);
    reader.read_seconds("runtime", "commandTimeoutSeconds", c.runtime_command_timeout);
    reader.read("runtime", "workers", c.runtime_workers);
    reader.read("cluster", "nodeName", c.node_name);
    reader.read("cluster", "nodeIP", c.node_ip);
    reader.read("cluster", "podCIDR", c.pod_cidr);
    reader.read("cluster", "nodeCIDRMaskSize", c.node_cidr_mask_size);
    reader.read_seconds("nodes", "leaseRenewSeconds", c.node_lease_renew);
    reader.read_seconds("nodes", "gracePeriodSeconds", c.node_grace_period);
    reader.read("nodes", "kubeletPort", c.kubelet_port);
    reader.read("cluster", "serviceCIDR", c.service_cidr);
    reader.read("cluster", "dnsIP", c.dns_ip);
    reader.read("cluster", "domain", c.cluster_domain);
    reader.read("cluster", "maxPods", c.max_pods);
    reader.read("security", "allowPrivileged", c.allow_privileged);
    reader.read("security", "hostPathAllowed", c.host_path_allowed);
    reader.read("services", "hostAddress", c.service_host_address);
    reader.read("services", "clusterIPsOnLoopback", c.cluster_ips_on_loopback);
    reader.read("services", "hostPortsBelow1024", c.host_ports_below_1024);
    reader.read("services", "maxConnectionsPerPort", c.max_connections_per_port);
    std::string node_ports = std::to_string(c.node_port_first) + "-" + std::to_string(c.node_port_last);
    reader.read("services", "nodePortRange", node_ports);
    const auto dash = node_ports.find('-');
    const bool digits = dash != std::string::npos && dash > 0 && dash < 6 && node_ports.size() - dash - 1 <= 5 &&
                        node_ports.size() > dash + 1 &&
                        node_ports.find_first_not_of("0123456789-") == std::string::npos &&
                        node_ports.find('-', dash + 1) == std::string::npos;
    if (!digits) throw std::invalid_argument("services.nodePortRange: \"" + node_ports + "\" is not FIRST-LAST, e.g. 30000-32767");
    c.node_port_first = std::stoi(node_ports.substr(0, dash));
    c.node_port_last = std::stoi(node_ports.substr(dash + 1));
    if (c.node_port_first < 1 || c.node_port_last > 65535 || c.node_port_first > c.node_port_last)
      throw std::invalid_argument("services.nodePortRange: \"" + node_ports + "\" must be ports from 1 to 65535, the first not above the last");
    reader.read("bootstrap", "manifests", c.manifests);
    reader.read("storage", "backend", c.storage_backend);
    reader.read("storage", "dataDir", c.data_dir);
    std::string sync = c.storage_full_sync ? "full" : "normal";
    reader.read("storage", "sync", sync);
    int history_seconds = static_cast<int>(c.storage_history.count());
    reader.read("storage", "historySeconds", history_seconds);
    int events_ttl = static_cast<int>(c.events_ttl.count());
    reader.read("events", "ttlSeconds", events_ttl);
    reader.read("events", "limit", c.events_limit);
    reader.refuse_unknown();

    if (port < 0 || port > 65535) throw std::invalid_argument("api.port: must be between 0 and 65535");
    c.api_port = static_cast<uint16_t>(port);
    if (c.kubelet_port < 1 || c.kubelet_port > 65535) throw std::invalid_argument("nodes.kubeletPort: must be between 1 and 65535");
    if (c.api_threads < 1) throw std::invalid_argument("api.threads: must be at least 1");
    if (c.max_pods < 1) throw std::invalid_argument("cluster.maxPods: must be at least 1");
    if (c.max_connections < 1) throw std::invalid_argument("api.maxConnections: must be at least 1");
    if (c.max_watches < 0) throw std::invalid_argument("api.maxWatches: must be at least 0");
    if (c.max_log_follows < 0) throw std::invalid_argument("api.maxLogFollows: must be at least 0");
    if (c.max_connections_per_port < 1) throw std::invalid_argument("services.maxConnectionsPerPort: must be at least 1");
    if (c.runtime != "podman" && c.runtime != "fake")
      throw std::invalid_argument("runtime.kind: unsupported value \"" + c.runtime + "\": use \"podman\" or \"fake\"");
    if (c.resync_period > std::chrono::seconds(5))
      throw std::invalid_argument("reconcile.periodSeconds: must be at most 5");
    static const char* levels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (std::find(std::begin(levels), std::end(levels), c.log_level) == std::end(levels))
      throw std::invalid_argument("log.level: unsupported value \"" + c.log_level +
                                  "\": use trace, debug, info, warn, error, critical or off");
    if (c.storage_backend != "sqlite" && c.storage_backend != "memory")
      throw std::invalid_argument("storage.backend: unsupported value \"" + c.storage_backend +
                                  "\": use \"sqlite\" (kept across restarts) or \"memory\" (nothing survives)");
    if (sync != "full" && sync != "normal")
      throw std::invalid_argument("storage.sync: unsupported value \"" + sync + "\": use \"full\" or \"normal\"");
    c.storage_full_sync = sync == "full";
    if (history_seconds < 1) throw std::invalid_argument("storage.historySeconds: must be at least 1");
    c.storage_history = std::chrono::seconds(history_seconds);
    if (events_ttl < 1) throw std::invalid_argument("events.ttlSeconds: must be at least 1");
    c.events_ttl = std::chrono::seconds(events_ttl);
    if (c.events_limit < 1) throw std::invalid_argument("events.limit: must be at least 1");
    if (auto problems = model::name_rules::dns1123_subdomain(c.node_name); !problems.empty())
      throw std::invalid_argument("cluster.nodeName: \"" + c.node_name + "\" " + problems.front());
    if (!c.node_ip.empty() && !control::parse_ipv4(c.node_ip))
      throw std::invalid_argument("cluster.nodeIP: \"" + c.node_ip + "\" is not an IPv4 address (\"\" to take the host's)");
    if (c.node_lease_renew < std::chrono::seconds(1)) throw std::invalid_argument("nodes.leaseRenewSeconds: must be at least 1");
    if (c.node_grace_period <= c.node_lease_renew)
      throw std::invalid_argument("nodes.gracePeriodSeconds: must be more than nodes.leaseRenewSeconds");
    check_cidr("cluster.serviceCIDR", c.service_cidr);
    check_cidr("cluster.podCIDR", c.pod_cidr);
    const int pod_prefix = std::stoi(c.pod_cidr.substr(c.pod_cidr.find('/') + 1));
    if (c.node_cidr_mask_size < pod_prefix || c.node_cidr_mask_size > 29)
      throw std::invalid_argument("cluster.nodeCIDRMaskSize: must be between cluster.podCIDR's prefix (" +
                                  std::to_string(pod_prefix) + ") and 29");
    if (!c.subnet.empty()) check_cidr("runtime.subnet", c.subnet);
    if (!c.dns_ip.empty() && !control::parse_ipv4(c.dns_ip))
      throw std::invalid_argument("cluster.dnsIP: \"" + c.dns_ip + "\" is not an IPv4 address (\"\" for no cluster DNS)");
    auto base = fs::path(path).parent_path();
    c.containers_conf = resolve(base, c.containers_conf);
    c.tls_cert_file = resolve(base, c.tls_cert_file);
    c.tls_key_file = resolve(base, c.tls_key_file);
    if (c.tls_cert_file.empty() != c.tls_key_file.empty())
      throw std::invalid_argument("api.tlsCertFile and api.tlsKeyFile: set both or neither");
    c.manifests = resolve(base, c.manifests);
    c.data_dir = c.data_dir.empty() ? default_data_dir() : resolve(base, c.data_dir);
    // Pods' volumes are mounted from there with podman's comma-separated --mount.
    if (c.data_dir.find(',') != std::string::npos) throw std::invalid_argument("storage.dataDir: must not contain ','");
    for (auto& allowed : c.host_path_allowed) {
      if (allowed.empty() || allowed.front() != '/' || allowed.find(',') != std::string::npos)
        throw std::invalid_argument("security.hostPathAllowed: \"" + allowed +
                                    "\" must be an absolute path without ','");
      allowed = fs::path(allowed).lexically_normal().string();
      if (allowed.size() > 1 && allowed.back() == '/') allowed.pop_back();
    }
  } catch (const YAML::BadFile&) {
    return path + ": cannot read the configuration file";
  } catch (const YAML::Exception& error) {
    return path + ": " + error.what();
  } catch (const std::invalid_argument& error) {
    return path + ": " + error.what();
  }
  return c;
}

std::string default_data_dir() {
  if (geteuid() == 0) return "/var/lib/orkest";
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/orkest";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/orkest";
  return "/var/lib/orkest";
}

}  // namespace orkest::app
