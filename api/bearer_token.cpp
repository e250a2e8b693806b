#include "api/bearer_token.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cctype>

namespace orkest::api {
namespace {

std::array<unsigned char, 32> sha256(const std::string& text) {
  std::array<unsigned char, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

}  // namespace

bearer_token::bearer_token(const std::string& token) : required_(!token.empty()), checked_(required_), digest_(sha256(token)) {}

bearer_token::bearer_token(const std::string& token, bool required)
    : required_(required && !token.empty()), checked_(!token.empty()), digest_(sha256(token)) {}

bool bearer_token::accepts(const std::string& authorization) const {
  if (!checked_) return true;
  if (!required_ && authorization.empty()) return true;
  // As Kubernetes reads it: the header trimmed, "bearer" in any case, one space, the token.
  std::size_t begin = 0;
  std::size_t end = authorization.size();
  while (begin < end && is_space(authorization[begin])) ++begin;
  while (end > begin && is_space(authorization[end - 1])) --end;
  static const std::string scheme = "bearer";
  if (end - begin < scheme.size() + 2 || authorization[begin + scheme.size()] != ' ') return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[begin + i])) != scheme[i]) return false;
  const std::string presented = authorization.substr(begin + scheme.size() + 1, end - begin - scheme.size() - 1);
  // An empty token (two spaces) or several words are no token.
  if (presented.find_first_of(" \t") != std::string::npos) return false;
  const auto digest = sha256(presented);
  return CRYPTO_memcmp(digest.data(), digest_.data(), digest_.size()) == 0;
}

}  // namespace orkest::api
