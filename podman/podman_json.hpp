#pragma once
// Reading podman's JSON output (podman 4.3 field names), as pure functions so they can be
// tested on captured samples without podman.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "podman/container_runtime.hpp"

namespace orkest::podman {

// `podman container inspect` output (a JSON array). The ip is the first address found on any
// network the container joined (orkest gives each container exactly one network).
runtime_result<std::vector<container_state>> parse_inspect(std::string_view json);

// One line of `podman events --format json`; nullopt when the line is not a container event.
std::optional<container_event> parse_event(std::string_view line);

// podman's "running", "exited", ... as a container_status.
container_status parse_status(std::string_view status);

// A Go time as podman prints it ("2026-11-22T11:57:44.123456789+01:00") in RFC 3339 UTC with
// whole seconds ("2026-11-22T10:57:44Z"); "" for Go's zero time ("0001-01-01T00:00:00Z") or
// text that is not a time.
std::string rfc3339_utc(std::string_view go_time);

// Seconds since the epoch in the same form; "" for 0 or less.
std::string format_utc(std::int64_t unix_seconds);

}  // namespace orkest::podman
