#include "podman/iptables.hpp"

namespace orkest::podman {

process_result iptables(const std::string& table, std::vector<std::string> args) {
  args.insert(args.begin(), {"iptables", "-w", "5", "-t", table});
  process_options options;
  options.timeout = std::chrono::seconds(10);
  return run_process(args, options);
}

std::string iptables_failure(const std::string& what, const process_result& result) {
  return "iptables " + what + ": " + (result.spawn_error.empty() ? result.err : result.spawn_error);
}

}  // namespace orkest::podman
