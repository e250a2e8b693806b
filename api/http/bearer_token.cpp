#include "api/http/bearer_token.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cctype>

namespace orkest::api::http {
namespace {

std::array<unsigned char, 32> sha256(const std::string& text) {
  std::array<unsigned char, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

}  // namespace

bearer_token::bearer_token(const std::string& token) : required_(!token.empty()), digest_(sha256(token)) {}

bool bearer_token::accepts(const std::string& authorization) const {
  if (!required_) return true;
  // "<scheme> <token>": the scheme case-insensitively, spaces around either ignored.
  std::size_t start = 0;
  while (start < authorization.size() && is_space(authorization[start])) ++start;
  static const std::string scheme = "bearer";
  if (authorization.size() < start + scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[start + i])) != scheme[i]) return false;
  std::size_t token_start = start + scheme.size();
  if (token_start >= authorization.size() || !is_space(authorization[token_start])) return false;
  while (token_start < authorization.size() && is_space(authorization[token_start])) ++token_start;
  std::size_t token_end = authorization.size();
  while (token_end > token_start && is_space(authorization[token_end - 1])) --token_end;
  const auto presented = sha256(authorization.substr(token_start, token_end - token_start));
  return CRYPTO_memcmp(presented.data(), digest_.data(), digest_.size()) == 0;
}

}  // namespace orkest::api::http
