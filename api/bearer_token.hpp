#pragma once
// The API's shared bearer token, checked as Kubernetes' token authenticator reads the header:
// "Bearer" in any letter case, then the token.

#include <array>
#include <string>

namespace orkest::api {

class bearer_token {
 public:
  bearer_token() = default;  // no token: every request passes
  explicit bearer_token(const std::string& token);
  // `required` false: a request without an Authorization header passes (a loopback API without
  // api.token, as the user's curl examples use it); one that presents a token must present
  // this one (a node agent's join token).
  bearer_token(const std::string& token, bool required);

  bool required() const { return required_; }
  // Whether an Authorization header value carries the token. Both sides are compared as
  // SHA-256 digests with a constant-time comparison, so neither the position of the first
  // differing byte nor the token's length shows in the response time.
  bool accepts(const std::string& authorization) const;

 private:
  bool required_ = false;
  bool checked_ = false;  // a presented token is compared

  std::array<unsigned char, 32> digest_{};
};

}  // namespace orkest::api
