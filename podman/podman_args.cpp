#include "podman/podman_args.hpp"

#include <nlohmann/json.hpp>

namespace orkest::podman {
namespace {

std::string label_filter(const std::string& key, const std::string& value) {
  return "label=" + key + "=" + value;
}

}  // namespace

std::vector<std::string> create_args(const container_spec& spec) {
  std::vector<std::string> args{"create", "--name", spec.name, "--restart=no", "--pull=never"};
  append_container_args(args, spec);
  return args;
}

std::vector<std::string> run_args(const container_spec& spec) {
  std::vector<std::string> args{"run", "--detach", "--name", spec.name, "--restart=no", "--pull=never"};
  append_container_args(args, spec);
  return args;
}

void append_container_args(std::vector<std::string>& args, const container_spec& spec) {
  if (!spec.hostname.empty()) args.insert(args.end(), {"--hostname", spec.hostname});
  if (!spec.network.empty()) args.insert(args.end(), {"--network", spec.network});
  if (!spec.ip.empty()) args.insert(args.end(), {"--ip", spec.ip});
  for (const auto& alias : spec.network_aliases) args.insert(args.end(), {"--network-alias", alias});
  for (const auto& server : spec.dns_servers) args.insert(args.end(), {"--dns", server});
  for (const auto& domain : spec.dns_search) args.insert(args.end(), {"--dns-search", domain});
  for (const auto& [key, value] : spec.labels) args.insert(args.end(), {"--label", key + "=" + value});
  for (const auto& [key, value] : spec.env) args.insert(args.end(), {"--env", key + "=" + value});
  // The JSON array form keeps every word intact (the plain form would be one string).
  if (!spec.command.empty()) args.insert(args.end(), {"--entrypoint", nlohmann::json(spec.command).dump()});
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
  if (options.tail_lines) args.insert(args.end(), {"--tail", std::to_string(*options.tail_lines)});
  // A Go duration: podman reads it as "that long before now".
  if (options.since_seconds)
    args.insert(args.end(), {"--since", std::to_string(*options.since_seconds) + "s"});
  else if (!options.since_time.empty())
    args.insert(args.end(), {"--since", options.since_time});
  if (!options.until_time.empty()) args.insert(args.end(), {"--until", options.until_time});
  args.push_back(id);
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
