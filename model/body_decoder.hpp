#pragma once
// Turns a request body into JSON, the one representation every later step works on.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>
#include <variant>

#include "model/api_error.hpp"

namespace orkest::model {

inline constexpr std::size_t max_nesting_depth = 64;

// Decodes by content type: application/json (and absent / */*), application/yaml,
// application/merge-patch+json, application/json-patch+json, application/strategic-merge-patch+json
// application/apply-patch+yaml and application/vnd.kubernetes.protobuf (model/protobuf/) are
// understood; anything else is 415.
// JSON is parsed leniently in one way only: a trailing comma before `}` or `]` is accepted
// (the user's own examples have one). Errors are 400 BadRequest naming line and column, e.g.
// `invalid JSON at line 3, column 5: unexpected '}'`. Bodies nested deeper than
// max_nesting_depth and bodies that are not valid UTF-8 are 400 too. Returns an object or
// an array (JSON patch), never a scalar, when the body is a resource.
std::variant<nlohmann::json, api_error> decode_body(std::string_view body,
                                                    std::string_view content_type);

// Removes trailing commas before `}` and `]` outside of strings; pure text transform.
std::string strip_trailing_commas(std::string_view json_text);

}  // namespace orkest::model
