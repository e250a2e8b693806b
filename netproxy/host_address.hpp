#pragma once
// Extra IPv4 addresses on the host's loopback interface. Services' cluster IPs live there, so
// orkest can listen on them and containers reach them through their default route (the
// host), while the host itself reaches them too. Needs CAP_NET_ADMIN.

#include <optional>
#include <string>

namespace orkest::netproxy {

// Adds address/32 to "lo"; an address already there is success. Returns an error message
// (naming the address and the OS error) on failure.
std::optional<std::string> add_loopback_address(const std::string& address);
// Removes it; an address already gone is success.
std::optional<std::string> remove_loopback_address(const std::string& address);

}  // namespace orkest::netproxy
