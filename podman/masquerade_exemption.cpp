#include "podman/masquerade_exemption.hpp"

#include <arpa/inet.h>

#include "podman/iptables.hpp"

namespace orkest::podman {

namespace {

bool ipv4_cidr(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos || slash + 1 >= text.size() || text.size() - slash > 3) return false;
  if (text.find_first_not_of("0123456789", slash + 1) != std::string::npos) return false;
  in_addr address{};
  return inet_pton(AF_INET, text.substr(0, slash).c_str(), &address) == 1 && std::stoi(text.substr(slash + 1)) <= 32;
}

process_result iptables(std::vector<std::string> args) { return podman::iptables("nat", std::move(args)); }

std::string failure(const std::string& what, const process_result& result) { return iptables_failure(what, result); }

}  // namespace

std::optional<std::string> exempt_from_masquerade(const std::string& own_cidr,
                                                  const std::vector<std::string>& destinations) {
  if (!ipv4_cidr(own_cidr)) return "this node's podCIDR \"" + own_cidr + "\" is not an IPv4 CIDR";
  for (const auto& destination : destinations)
    if (!ipv4_cidr(destination)) return "podCIDR \"" + destination + "\" is not an IPv4 CIDR";
  const std::string chain = masquerade_exemption_chain;
  // -N fails when the chain exists, which is fine; -F then empties it.
  iptables({"-N", chain});
  if (auto flushed = iptables({"-F", chain}); !flushed.ok()) return failure("-F " + chain, flushed);
  for (const auto& destination : destinations)
    if (auto added = iptables({"-A", chain, "-s", own_cidr, "-d", destination, "-j", "ACCEPT"}); !added.ok())
      return failure("-A " + chain, added);
  if (!iptables({"-C", "POSTROUTING", "-j", chain}).ok())
    if (auto jumped = iptables({"-I", "POSTROUTING", "1", "-j", chain}); !jumped.ok())
      return failure("-I POSTROUTING", jumped);
  return std::nullopt;
}

}  // namespace orkest::podman
