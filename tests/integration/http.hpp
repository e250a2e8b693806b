#pragma once
// A tiny HTTP/1.1 client for the integration tests, over loopback only: one request per
// connection (closed by the client once the response is read), a Content-Length body out, the
// response read up to its Content-Length or until the server closes. Every socket operation has a deadline, so an
// orkest that stops answering fails a test instead of hanging it. Errors are returned, not
// thrown: a test polling a starting or restarting orkest sees status 0 and tries again.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace orkest::itest {

struct http_reply {
  int status = 0;     // 0: no HTTP answer at all (see `error`)
  std::string error;  // why there was no answer
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  bool ok() const { return status >= 200 && status < 300; }
  // The body as JSON; null when it is not JSON.
  nlohmann::json json() const;
  std::string header(const std::string& lower_case_name) const;
  // "status N: body" (or the transport error), for assertion messages.
  std::string describe() const;
};

class http_client {
 public:
  explicit http_client(uint16_t port, std::chrono::milliseconds deadline = std::chrono::seconds(15))
      : port_(port), deadline_(deadline) {}

  http_reply request(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::string& content_type = "application/json") const;

  http_reply get(const std::string& target) const { return request("GET", target); }
  http_reply del(const std::string& target) const { return request("DELETE", target); }
  http_reply post(const std::string& target, const std::string& body) const { return request("POST", target, body); }
  http_reply put(const std::string& target, const std::string& body) const { return request("PUT", target, body); }
  http_reply post(const std::string& target, const nlohmann::json& body) const { return post(target, body.dump()); }
  http_reply put(const std::string& target, const nlohmann::json& body) const { return put(target, body.dump()); }

  uint16_t port() const { return port_; }

 private:
  uint16_t port_;
  std::chrono::milliseconds deadline_;
};

}  // namespace orkest::itest
