#pragma once
// Runs the iptables command (as netavark does) on one table, waiting at most 5 s for the
// xtables lock; its arguments are built by orkest, never taken from a request.

#include <string>
#include <vector>

#include "podman/process.hpp"

namespace orkest::podman {

process_result iptables(const std::string& table, std::vector<std::string> args);

// "iptables <what>: <its error output>" for a command that failed.
std::string iptables_failure(const std::string& what, const process_result& result);

}  // namespace orkest::podman
