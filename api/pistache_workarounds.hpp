#pragma once
// Work-arounds for Pistache 0.0.5 (Debian 12), each with the bug it avoids.

namespace orkest::api {

// Pistache parses Content-Type while it reads a request, and its media type parser rejects
// `application/json-patch+json` (what kubectl and the official clients send for JSON patches:
// it takes "json" for the subtype, then "-patch+json" for a parameter without "=") with its own
// plain-text 415, before any handler runs. After this call Pistache keeps Content-Type as a raw
// header and orkest reads it itself (api_server). Call before the first server starts; idempotent.
void keep_content_type_raw();

}  // namespace orkest::api
