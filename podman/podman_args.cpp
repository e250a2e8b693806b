#include "podman/podman_args.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace orkest::podman {
namespace {

std::string label_filter(const std::string& key, const std::string& value) {
  return "label=" + key + "=" + value;
}

// `--name=value` as one word: podman's flag parser takes the word after a separate `--name` as
// its value whatever it looks like, but one word can never be read as a second option.
std::string option(const char* name, const std::string& value) { return std::string(name) + "=" + value; }

// 1500 millicores -> "1.500"
std::string cpus_text(std::int64_t millis) {
  std::string fraction = std::to_string(millis % 1000);
  return std::to_string(millis / 1000) + "." + std::string(3 - fraction.size(), '0') + fraction;
}

}  // namespace

std::vector<std::string> create_args(const container_spec& spec) {
  std::vector<std::string> args{"create", option("--name", spec.name), "--restart=no", "--pull=never"};
  append_container_args(args, spec);
  return args;
}

std::vector<std::string> run_args(const container_spec& spec) {
  std::vector<std::string> args{"run", "--detach", option("--name", spec.name), "--restart=no", "--pull=never"};
  append_container_args(args, spec);
  return args;
}

void append_container_args(std::vector<std::string>& args, const container_spec& spec) {
  if (!spec.hostname.empty()) args.push_back(option("--hostname", spec.hostname));
  if (!spec.network.empty()) args.push_back(option("--network", spec.network));
  if (!spec.ip.empty()) args.push_back(option("--ip", spec.ip));
  for (const auto& alias : spec.network_aliases) args.push_back(option("--network-alias", alias));
  for (const auto& server : spec.dns_servers) args.push_back(option("--dns", server));
  for (const auto& domain : spec.dns_search) args.push_back(option("--dns-search", domain));
  for (const auto& [key, value] : spec.labels) args.push_back(option("--label", key + "=" + value));
  for (const auto& [key, value] : spec.env) args.push_back(option("--env", key + "=" + value));
  if (spec.memory_limit_bytes > 0) {
    // As Kubernetes: no swap on top of the limit, so the limit is what the container gets.
    args.push_back(option("--memory", std::to_string(spec.memory_limit_bytes)));
    args.push_back(option("--memory-swap", std::to_string(spec.memory_limit_bytes)));
  }
  if (spec.cpu_limit_millis > 0) args.push_back(option("--cpus", cpus_text(spec.cpu_limit_millis)));
  if (!spec.working_dir.empty()) args.push_back(option("--workdir", spec.working_dir));
  for (const auto& port : spec.ports) {
    if (port.host_port <= 0) continue;
    // hostPort: [hostIP:]hostPort:containerPort/protocol (an IPv6 address in brackets).
    std::string host = port.host_ip.find(':') != std::string::npos ? "[" + port.host_ip + "]" : port.host_ip;
    std::string protocol = port.protocol;
    std::transform(protocol.begin(), protocol.end(), protocol.begin(), [](unsigned char c) { return std::tolower(c); });
    args.push_back(option("--publish", (host.empty() ? "" : host + ":") + std::to_string(port.host_port) + ":" +
                                           std::to_string(port.container_port) + "/" + protocol));
  }
  for (const auto& mount : spec.mounts)
    args.push_back(option("--mount", "type=bind,source=" + mount.source + ",destination=" + mount.destination +
                                         (mount.read_only ? ",ro=true" : "")));
  if (!spec.user.empty()) args.push_back(option("--user", spec.user));
  for (const auto group : spec.groups) args.push_back(option("--group-add", std::to_string(group)));
  if (spec.read_only_root) {
    // As Kubernetes' readOnlyRootFilesystem: nothing writable, not even podman's own /tmp and /run.
    args.push_back("--read-only");
    args.push_back("--read-only-tmpfs=false");
  }
  if (spec.no_new_privileges) args.push_back(option("--security-opt", "no-new-privileges"));
  if (spec.privileged) args.push_back("--privileged");
  for (const auto& capability : spec.capabilities_added) args.push_back(option("--cap-add", capability));
  for (const auto& capability : spec.capabilities_dropped) args.push_back(option("--cap-drop", capability));
  // The JSON array form keeps every word intact (the plain form would be one string).
  if (!spec.command.empty()) args.push_back(option("--entrypoint", nlohmann::json(spec.command).dump()));
  // Options end here: the image and its arguments are never read as options, whatever they say.
  args.push_back("--");
  args.push_back(spec.image);
  args.insert(args.end(), spec.args.begin(), spec.args.end());
}

std::vector<std::string> list_args(const label_map& labels) {
  // Several label filters must all match (checked on podman 4.3).
  std::vector<std::string> args{"ps", "--all", "--quiet", "--no-trunc"};
  for (const auto& [key, value] : labels) args.insert(args.end(), {"--filter", label_filter(key, value)});
  return args;
}

std::vector<std::string> logs_args(const std::string& id, const log_options& options, bool follow) {
  std::vector<std::string> args{"logs"};
  if (follow) args.push_back("--follow");
  if (options.timestamps) args.push_back("--timestamps");
  if (options.tail_lines) args.push_back(option("--tail", std::to_string(*options.tail_lines)));
  // A Go duration: podman reads it as "that long before now".
  if (options.since_seconds)
    args.push_back(option("--since", std::to_string(*options.since_seconds) + "s"));
  else if (!options.since_time.empty())
    args.push_back(option("--since", options.since_time));
  if (!options.until_time.empty()) args.push_back(option("--until", options.until_time));
  args.insert(args.end(), {"--", id});
  return args;
}

std::vector<std::string> exec_args(const std::string& id, const std::vector<std::string>& argv) {
  std::vector<std::string> args{"exec", "--", id};
  args.insert(args.end(), argv.begin(), argv.end());
  return args;
}

std::vector<std::string> events_args() {
  return {"events",
          "--format",
          "json",
          "--filter",
          "type=container",
          "--filter",
          label_filter(label_managed_by, "orkest")};
}

}  // namespace orkest::podman
