#pragma once
// What clients learn about the server before they ask for resources: /version and the
// discovery documents (/api, /apis, /api/v1, /apis/apps, /apis/apps/v1), as kubectl reads them.

#include <nlohmann/json.hpp>
#include <string>

namespace orkest::api {

nlohmann::json version_info();
// The document for a discovery path, or null when there is none.
nlohmann::json discovery_document(const std::string& path);

}  // namespace orkest::api
