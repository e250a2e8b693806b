#include "api/pistache_workarounds.hpp"

#include <pistache/http_headers.h>

#include <mutex>

namespace orkest::api {

namespace {

using namespace Pistache::Http::Header;

// Registry keeps its map private and offers no way to unregister a header. An explicit
// template instantiation may name a private member (the standard exempts it from access
// checks), which hands out a pointer to Registry::registry.
using registry_map = std::unordered_map<std::string, std::function<std::unique_ptr<Header>()>, LowercaseHash,
                                        LowercaseEqual>;

struct registry_member {
  using type = registry_map Registry::*;
  friend type member_of(registry_member);
};

template <typename Tag, typename Tag::type Member>
struct expose {
  friend typename Tag::type member_of(Tag) { return Member; }
};

template struct expose<registry_member, &Registry::registry>;

}  // namespace

void keep_content_type_raw() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto& registry = Registry::instance().*member_of(registry_member{});
    registry.erase("Content-Type");
  });
}

}  // namespace orkest::api
