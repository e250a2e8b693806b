#include "probe/network_check.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace orkest::probe {

namespace {

bool same_name(const std::string& a, const char* b) {
  return a.size() == std::strlen(b) &&
         std::equal(a.begin(), a.end(), b, [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

bool has_header(const network_check& check, const char* name) {
  return std::any_of(check.headers.begin(), check.headers.end(), [&](const auto& h) { return same_name(h.first, name); });
}

std::string endpoint(const network_check& check) { return check.ip + ":" + std::to_string(check.port); }

std::string dial_error(const network_check& check) { return "dial tcp " + endpoint(check); }

}  // namespace

std::string probe_url(const network_check& check) { return "http://" + endpoint(check) + check.path; }

std::string http_request(const network_check& check) {
  std::string request = "GET " + check.path + " HTTP/1.1\r\n";
  if (!has_header(check, "Host")) request += "Host: " + endpoint(check) + "\r\n";
  if (!has_header(check, "User-Agent")) request += "User-Agent: kube-probe/1.30\r\n";
  if (!has_header(check, "Accept")) request += "Accept: */*\r\n";
  for (const auto& [name, value] : check.headers) request += name + ": " + value + "\r\n";
  request += "Connection: close\r\n\r\n";
  return request;
}

http_reading read_http_answer(std::string_view received, bool connection_closed, const network_check& check) {
  const auto line_end = received.find("\r\n");
  if (line_end == std::string_view::npos) {
    if (!connection_closed) return {};
    return {true, {false, "Get \"" + probe_url(check) + "\": EOF"}};
  }
  // "HTTP/1.1 200 OK"
  const auto line = received.substr(0, line_end);
  const auto space = line.find(' ');
  int code = 0;
  if (line.rfind("HTTP/", 0) == 0 && space != std::string_view::npos && line.size() >= space + 4) {
    const auto digits = line.substr(space + 1, 3);
    if (std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      code = std::stoi(std::string(digits));
  }
  if (code == 0)
    return {true, {false, "Get \"" + probe_url(check) + "\": net/http: HTTP/1.x transport connection broken: malformed HTTP response"}};
  if (code >= 200 && code < 400) return {true, {true, ""}};
  return {true, {false, "HTTP probe failed with statuscode: " + std::to_string(code)}};
}

std::string connect_failure(const network_check& check, int error) {
  std::string text = dial_error(check) + ": connect: " + std::strerror(error);
  // strerror says "Connection refused"; Go, and so the kubelet, "connection refused".
  const auto colon = text.rfind(": ");
  if (colon != std::string::npos && colon + 2 < text.size()) text[colon + 2] = std::tolower(text[colon + 2]);
  if (check.type == network_check::kind::http) return "Get \"" + probe_url(check) + "\": " + text;
  return text;
}

std::string timeout_failure(const network_check& check) {
  if (check.type == network_check::kind::http)
    return "Get \"" + probe_url(check) + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
  return dial_error(check) + ": i/o timeout";
}

}  // namespace orkest::probe
