#include "app/host_facts.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace orkest::app {

namespace {

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::int64_t memory_total_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::int64_t kibibytes = 0;
  std::string unit;
  while (in >> key >> kibibytes >> unit)
    if (key == "MemTotal:") return kibibytes * 1024;
  return 0;
}

// PRETTY_NAME of /etc/os-release, unquoted.
std::string os_image() {
  std::ifstream in("/etc/os-release");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("PRETTY_NAME=", 0) == 0) {
      auto value = line.substr(12);
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) value = value.substr(1, value.size() - 2);
      return value;
    }
  return "Linux";
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

std::string first_host_address(const std::string& pod_network) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "127.0.0.1";
  std::string found;
  for (ifaddrs* entry = list; entry && found.empty(); entry = entry->ifa_next) {
    if (!entry->ifa_addr || entry->ifa_addr->sa_family != AF_INET) continue;
    if (!(entry->ifa_flags & IFF_UP) || (entry->ifa_flags & IFF_LOOPBACK)) continue;
    const std::string name = entry->ifa_name;
    if (starts_with(name, "podman") || starts_with(name, "cni") || starts_with(name, "veth") || name == pod_network)
      continue;
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(entry->ifa_addr)->sin_addr, text, sizeof text);
    found = text;
  }
  freeifaddrs(list);
  return found.empty() ? "127.0.0.1" : found;
}

control::node_description describe_this_node(const config& c, const std::string& runtime_version, bool control_plane) {
  control::node_description node;
  node.name = c.node_name;
  if (control_plane)
    node.labels = {{"node-role.kubernetes.io/control-plane", "true"}, {"node-role.kubernetes.io/master", "true"}};
  node.cpu_cores = std::max<long>(1, sysconf(_SC_NPROCESSORS_ONLN));
  node.memory_bytes = memory_total_bytes();
  node.max_pods = c.max_pods;
  node.internal_ip = c.node_ip.empty() ? first_host_address(c.network) : c.node_ip;
  char hostname[256] = {};
  if (gethostname(hostname, sizeof hostname - 1) == 0) node.hostname = lowercase(hostname);
  utsname system{};
  if (uname(&system) == 0) node.kernel_version = system.release;
  node.os_image = os_image();
  node.container_runtime_version = runtime_version;
  node.kubelet_version = "v1.32.0-orkest";  // the Kubernetes API version orkest serves, as /version says
  node.machine_id = first_line("/etc/machine-id");
  node.boot_id = first_line("/proc/sys/kernel/random/boot_id");
  return node;
}

}  // namespace orkest::app
