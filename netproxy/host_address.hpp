#pragma once
// Extra IPv4 addresses on the host's loopback interface. Services' cluster IPs live there, so
// orkest can listen on them and containers reach them through their default route (the
// host), while the host itself reaches them too. Needs CAP_NET_ADMIN.

#include <optional>
#include <string>
#include <vector>

namespace orkest::netproxy {

// orkest's addresses carry this label, so the ones an earlier orkest left behind (killed before
// it could remove them) can be told from anyone else's: `ip addr show lo label lo:orkest`.
inline constexpr const char* loopback_label = "lo:orkest";

// Adds address/32 to "lo", labelled; an address already there is success (`added`, when given,
// says whether this call put it there: one already there is someone else's to remove). Returns
// an error message (naming the address and the OS error) on failure.
std::optional<std::string> add_loopback_address(const std::string& address, bool* added = nullptr);
// Removes it; an address already gone is success.
std::optional<std::string> remove_loopback_address(const std::string& address);

// The addresses on "lo" that carry orkest's label. Empty when they cannot be listed.
std::vector<std::string> labelled_loopback_addresses();

}  // namespace orkest::netproxy
