#include "api/accept_header.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "model/protobuf/protobuf_body.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

namespace {

// " Application/JSON;q=0.9" -> "application/json"
std::string media_of(std::string_view entry) {
  entry = entry.substr(0, entry.find(';'));
  const auto first = entry.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  entry = entry.substr(first, entry.find_last_not_of(" \t") - first + 1);
  std::string lowered(entry);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lowered;
}

}  // namespace

bool accepts_only_protobuf(std::string_view accept) {
  bool any_listed = false;
  std::size_t start = 0;
  while (start <= accept.size()) {
    auto end = accept.find(',', start);
    if (end == std::string_view::npos) end = accept.size();
    const std::string media = media_of(accept.substr(start, end - start));
    start = end + 1;
    if (media.empty()) continue;
    if (media != protobuf::media_type) return false;
    any_listed = true;
  }
  return any_listed;
}

}  // namespace orkest::api
