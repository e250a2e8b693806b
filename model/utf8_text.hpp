#pragma once
// Strict UTF-8, as JSON and Kubernetes require of every string in a request.

#include <cstddef>
#include <optional>
#include <string_view>

namespace orkest::model {

// Offset of the first byte that does not belong to a well-formed UTF-8 sequence (no overlong
// forms, no surrogates, nothing above U+10FFFF), or nullopt.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

}  // namespace orkest::model
