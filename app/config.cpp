#include "app/config.hpp"

#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "control/ip_allocator.hpp"

namespace orkest::app {

namespace {

namespace fs = std::filesystem;

// Reads `section.key` into `target` when present, with a message naming it when malformed.
template <class T>
void read(const YAML::Node& root, const char* section, const char* key, T& target) {
  const YAML::Node section_node = root[section];
  if (!section_node.IsDefined() || !section_node.IsMap()) return;
  const YAML::Node node = section_node[key];
  if (!node.IsDefined() || node.IsNull()) return;
  try {
    target = node.as<T>();
  } catch (const YAML::Exception&) {
    throw std::invalid_argument(std::string(section) + "." + key + ": invalid value \"" + YAML::Dump(node) + "\"");
  }
}

void read_seconds(const YAML::Node& root, const char* section, const char* key, std::chrono::milliseconds& target) {
  double seconds = static_cast<double>(target.count()) / 1000.0;
  read(root, section, key, seconds);
  if (seconds <= 0) throw std::invalid_argument(std::string(section) + "." + key + ": must be greater than 0");
  target = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

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
    int port = c.api_port;
    read(root, "api", "address", c.api_address);
    read(root, "api", "port", port);
    read(root, "api", "threads", c.api_threads);
    read(root, "api", "maxBodyBytes", c.max_body_bytes);
    read_seconds(root, "api", "requestTimeoutSeconds", c.request_timeout);
    read_seconds(root, "api", "readTimeoutSeconds", c.read_timeout);
    read_seconds(root, "api", "watchTimeoutSeconds", c.watch_timeout);
    read_seconds(root, "api", "idleTimeoutSeconds", c.idle_timeout);
    read(root, "api", "maxConnections", c.max_connections);
    read(root, "api", "maxWatches", c.max_watches);
    read(root, "api", "maxLogFollows", c.max_log_follows);
    read(root, "api", "token", c.api_token);
    read(root, "api", "tlsCertFile", c.tls_cert_file);
    read(root, "api", "tlsKeyFile", c.tls_key_file);
    read(root, "log", "level", c.log_level);
    read_seconds(root, "reconcile", "periodSeconds", c.resync_period);
    read(root, "runtime", "kind", c.runtime);
    read(root, "runtime", "podman", c.podman_binary);
    read(root, "runtime", "containersConf", c.containers_conf);
    read(root, "runtime", "network", c.network);
    read(root, "runtime", "subnet", c.subnet);
    read_seconds(root, "runtime", "commandTimeoutSeconds", c.runtime_command_timeout);
    read(root, "runtime", "workers", c.runtime_workers);
    read(root, "cluster", "nodeName", c.node_name);
    read(root, "cluster", "serviceCIDR", c.service_cidr);
    read(root, "cluster", "dnsIP", c.dns_ip);
    read(root, "cluster", "domain", c.cluster_domain);
    read(root, "cluster", "maxPods", c.max_pods);
    read(root, "services", "hostAddress", c.service_host_address);
    read(root, "services", "clusterIPsOnLoopback", c.cluster_ips_on_loopback);
    read(root, "services", "hostPortsBelow1024", c.host_ports_below_1024);
    read(root, "services", "maxConnectionsPerPort", c.max_connections_per_port);
    read(root, "bootstrap", "manifests", c.manifests);
    read(root, "storage", "backend", c.storage_backend);
    read(root, "storage", "dataDir", c.data_dir);
    std::string sync = c.storage_full_sync ? "full" : "normal";
    read(root, "storage", "sync", sync);
    int history_seconds = static_cast<int>(c.storage_history.count());
    read(root, "storage", "historySeconds", history_seconds);

    if (port < 0 || port > 65535) throw std::invalid_argument("api.port: must be between 0 and 65535");
    c.api_port = static_cast<uint16_t>(port);
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
    check_cidr("cluster.serviceCIDR", c.service_cidr);
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
