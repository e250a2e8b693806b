#include "app/kubeconfig.hpp"

namespace orkest::app {

namespace {

// A YAML double-quoted scalar.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string api_url(const config& c) {
  std::string host = c.api_address;
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(c.tls_cert_file.empty() ? "http" : "https") + "://" + host + ":" + std::to_string(c.api_port);
}

std::string kubeconfig_for(const config& c) {
  std::string out;
  out += "apiVersion: v1\n";
  out += "kind: Config\n";
  out += "clusters:\n";
  out += "- name: orkest\n";
  out += "  cluster:\n";
  out += "    server: " + quoted(api_url(c)) + "\n";
  if (!c.tls_cert_file.empty()) out += "    certificate-authority: " + quoted(c.tls_cert_file) + "\n";
  out += "users:\n";
  out += "- name: orkest\n";
  if (c.api_token.empty()) {
    out += "  user: {}\n";
  } else {
    out += "  user:\n";
    out += "    token: " + quoted(c.api_token) + "\n";
  }
  out += "contexts:\n";
  out += "- name: orkest\n";
  out += "  context:\n";
  out += "    cluster: orkest\n";
  out += "    user: orkest\n";
  out += "    namespace: default\n";
  out += "current-context: orkest\n";
  return out;
}

}  // namespace orkest::app
