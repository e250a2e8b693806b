#pragma once
// Whether a configuration exposes the API more than it protects it. API access is root on this
// machine (it runs containers), so an API reachable from other hosts without a token is refused
// unless asked for explicitly (--insecure), and a token sent in clear text is warned about.

#include <optional>
#include <string>
#include <vector>

#include "app/config.hpp"

namespace orkest::app {

// Whether `address` is only reachable from this machine (127.0.0.0/8, ::1, localhost).
bool is_loopback_address(const std::string& address);

// Why orkest must not start with this configuration; nullopt when it may. `insecure`: the
// operator accepted an unauthenticated API on a non-loopback address.
std::optional<std::string> exposure_refusal(const config& c, bool insecure);

// What orkest starts with but logs as a warning.
std::vector<std::string> exposure_warnings(const config& c);

}  // namespace orkest::app
