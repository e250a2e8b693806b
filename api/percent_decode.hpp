#pragma once
// URL percent-decoding ("app%3Dweb" -> "app=web"). In query strings "+" is a space too.

#include <string>
#include <string_view>

namespace orkest::api {

std::string percent_decode(std::string_view text, bool plus_is_space = false);

}  // namespace orkest::api
