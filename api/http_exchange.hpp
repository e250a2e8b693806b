#pragma once
// An HTTP request and response as plain values, so request handling is independent of the
// HTTP server library and testable without sockets.

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace orkest::api {

struct http_request {
  std::string method;  // "GET", "POST", ...
  std::string path;
  std::map<std::string, std::string> query;
  std::string content_type;
  std::string accept;
  std::string authorization;  // the Authorization header, e.g. "Bearer abc"
  std::string user_agent;
  std::string body;
};

struct http_response {
  int code = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace orkest::api
