#pragma once
// Standard base64 with padding (RFC 4648 §4), as Kubernetes' JSON carries []byte fields
// (Secret data, ConfigMap binaryData).

#include <optional>
#include <string>
#include <string_view>

namespace orkest::model {

std::string base64_encode(std::string_view bytes);
// nullopt unless `text` is canonical base64: only the alphabet, padded to a multiple of 4.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace orkest::model
