#pragma once
// Hardening of Pistache 0.0.5's request parsing against hostile Content-Length headers.

#include <cstddef>

namespace orkest::api {

// Pistache reads Content-Length with std::stoull and then reserves that many bytes: "-5" or a
// number beyond 2^64 ends in an exception Pistache answers with 500 and the exception's text
// ("basic_string::_M_create"); a length above what it buffers is refused only once that much
// has arrived, with a plain-text 413. After this call Content-Length is parsed strictly while
// the headers are read: anything but 1 to 19 decimal digits is 400, a length above
// `refuse_above` 413 (naming `body_limit`), both with a Kubernetes Status as the body and
// before any of the body is buffered. Lengths up to `refuse_above` reach the handler, which
// answers bodies over its own limit with the full 413 response. The limits are process-wide:
// the last call wins. Call before serving.
void use_strict_content_length(std::size_t body_limit, std::size_t refuse_above);

}  // namespace orkest::api
