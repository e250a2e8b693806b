#include "app/exposure.hpp"

namespace orkest::app {

bool is_loopback_address(const std::string& address) {
  return address == "localhost" || address == "::1" || address == "[::1]" || address.rfind("127.", 0) == 0;
}

std::optional<std::string> exposure_refusal(const config& c, bool insecure) {
  if (insecure || !c.api_token.empty() || is_loopback_address(c.api_address)) return std::nullopt;
  return "api.address " + c.api_address +
         " is reachable from other machines, and without api.token anyone there could run containers as root "
         "on this one: set api.token (with api.tlsCertFile and api.tlsKeyFile), listen on 127.0.0.1, or start "
         "with --insecure to accept this";
}

std::vector<std::string> exposure_warnings(const config& c) {
  std::vector<std::string> warnings;
  if (!c.api_token.empty() && c.tls_cert_file.empty())
    warnings.push_back("api.token is set but the API serves plain HTTP: the token crosses the network in clear text "
                       "(set api.tlsCertFile and api.tlsKeyFile; kubectl sends tokens only over HTTPS)");
  return warnings;
}

}  // namespace orkest::app
