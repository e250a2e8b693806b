#include "podman/transparent_socket_mark.hpp"

#include <cstdio>

#include "netproxy/transparent_return.hpp"
#include "podman/iptables.hpp"

namespace orkest::podman {

namespace {

std::vector<std::string> rule(const std::string& action) {
  char mark[16];
  std::snprintf(mark, sizeof mark, "0x%x", netproxy::transparent_mark);
  return {action, "PREROUTING", "-m", "socket", "--transparent", "-j", "MARK", "--set-mark", mark};
}

}  // namespace

std::optional<std::string> mark_transparent_socket_packets() {
  if (iptables("mangle", rule("-C")).ok()) return std::nullopt;
  auto wanted = rule("-I");
  wanted.insert(wanted.begin() + 2, "1");
  if (auto added = iptables("mangle", wanted); !added.ok()) return iptables_failure("-I PREROUTING (mangle)", added);
  return std::nullopt;
}

std::optional<std::string> unmark_transparent_socket_packets() {
  while (iptables("mangle", rule("-C")).ok())
    if (auto removed = iptables("mangle", rule("-D")); !removed.ok()) return iptables_failure("-D PREROUTING (mangle)", removed);
  return std::nullopt;
}

}  // namespace orkest::podman
