#include "model/content_hash.hpp"

#include <cstdint>
#include <cstdio>

namespace orkest::model {

std::string content_hash(std::string_view text) {
  auto fnv = [&](uint64_t hash) {
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
    return hash;
  };
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(fnv(14695981039346656037ULL)),
                static_cast<unsigned long long>(fnv(0x6c62272e07bb0142ULL)));
  return hex;
}

}  // namespace orkest::model
