#pragma once
// Kubernetes' timestamps: RFC 3339 in UTC with whole seconds ("2026-11-22T10:57:44Z").

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace orkest::model {

std::string rfc3339(std::chrono::system_clock::time_point when);
// A MicroTime (Lease renewTime, Event eventTime): "2026-11-22T10:57:44.123456Z".
std::string rfc3339_micros(std::chrono::system_clock::time_point when);
inline std::string now_rfc3339() { return rfc3339(std::chrono::system_clock::now()); }

// An RFC 3339 timestamp ("2026-11-22T12:00:52Z", fractions and offsets allowed) as a time
// point; nullopt when it is not one.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

// Kubernetes' duration.HumanDuration: "45s", "3m20s", "12m", "5h3m", "3d4h", "2y30d".
std::string human_duration(std::chrono::system_clock::duration age);

}  // namespace orkest::model
