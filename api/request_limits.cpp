#include "api/request_limits.hpp"

#include <pistache/http_defs.h>
#include <pistache/http_headers.h>

#include <atomic>
#include <mutex>
#include <string>

#include "model/api_error.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

namespace {

using namespace Pistache::Http;

std::atomic<std::size_t> body_limit_bytes{3 * 1024 * 1024};
std::atomic<std::size_t> refuse_above_bytes{3 * 1024 * 1024 + 32 * 1024};

// The Status JSON is the whole body Pistache sends for an HttpError.
std::string status_text(const api_error& error) {
  return to_status_json(error).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class strict_content_length : public Header::ContentLength {
 public:
  void parse(const std::string& data) override {
    const auto first = data.find_first_not_of(" \t");
    const auto last = data.find_last_not_of(" \t");
    const std::string digits = first == std::string::npos ? std::string() : data.substr(first, last - first + 1);
    const bool well_formed = !digits.empty() && digits.size() <= 19 &&
                             digits.find_first_not_of("0123456789") == std::string::npos;
    if (!well_formed) {
      const std::string shown = data.size() > 40 ? data.substr(0, 40) + "..." : data;
      throw HttpError(Code::Bad_Request,
                      status_text(bad_request("invalid Content-Length header \"" + shown +
                                              "\": must be a non-negative decimal number")));
    }
    if (std::stoull(digits) > refuse_above_bytes.load())
      throw HttpError(Code::Request_Entity_Too_Large, status_text(request_entity_too_large(body_limit_bytes.load())));
    ContentLength::parse(digits);
  }
};

// Registry keeps its map private and has no way to replace a header's parser. An explicit
// template instantiation may name a private member (the standard exempts it from access
// checks), which hands out a pointer to Registry::registry.
using registry_map = std::unordered_map<std::string, std::function<std::unique_ptr<Header::Header>()>,
                                        Header::LowercaseHash, Header::LowercaseEqual>;

struct registry_member {
  using type = registry_map Header::Registry::*;
  friend type registry_of(registry_member);
};

template <typename Tag, typename Tag::type Member>
struct expose {
  friend typename Tag::type registry_of(Tag) { return Member; }
};

template struct expose<registry_member, &Header::Registry::registry>;

}  // namespace

void use_strict_content_length(std::size_t body_limit, std::size_t refuse_above) {
  body_limit_bytes = body_limit;
  refuse_above_bytes = refuse_above;
  static std::once_flag once;
  std::call_once(once, [] {
    auto& registry = Header::Registry::instance().*registry_of(registry_member{});
    registry["Content-Length"] = [] { return std::unique_ptr<Header::Header>(new strict_content_length()); };
  });
}

}  // namespace orkest::api
