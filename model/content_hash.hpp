#pragma once
// A digest that changes whenever the text does, for naming things after their content (a
// bootstrap manifest's config hash, the stable uid derived from it). Not cryptographic.

#include <string>
#include <string_view>

namespace orkest::model {

// 32 lower-case hex digits: two FNV-1a 64-bit hashes of `text` with different offset bases.
// The value is kept by running containers (through uids derived from it): never change it.
std::string content_hash(std::string_view text);

}  // namespace orkest::model
