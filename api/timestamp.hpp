#pragma once
// Kubernetes' timestamps: RFC 3339 in UTC with whole seconds ("2026-11-22T10:57:44Z").

#include <chrono>
#include <string>

namespace orkest::api {

std::string rfc3339(std::chrono::system_clock::time_point when);
inline std::string now_rfc3339() { return rfc3339(std::chrono::system_clock::now()); }

}  // namespace orkest::api
