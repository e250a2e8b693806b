// Reading an HTTP probe's answer, and the kubelet's words for what went wrong.

#include <gtest/gtest.h>

#include "probe/network_check.hpp"

namespace orkest::probe {
namespace {

network_check http_check() {
  network_check check;
  check.type = network_check::kind::http;
  check.ip = "10.88.0.5";
  check.port = 5000;
  check.path = "/health";
  return check;
}

TEST(ReadHttpAnswer, NeedsTheWholeStatusLine) {
  EXPECT_FALSE(read_http_answer("HTTP/1.1 200", false, http_check()).complete);
  auto eof = read_http_answer("HTTP/1.1 200", true, http_check());
  EXPECT_TRUE(eof.complete);
  EXPECT_FALSE(eof.outcome.success);
}

TEST(ReadHttpAnswer, StatusCodesAsKubernetes) {
  struct row {
    const char* line;
    bool success;
  };
  for (const auto& r : std::vector<row>{{"HTTP/1.1 200 OK\r\n", true},
                                        {"HTTP/1.0 204 No Content\r\n", true},
                                        {"HTTP/1.1 301 Moved\r\n", true},
                                        {"HTTP/1.1 399 Odd\r\n", true},
                                        {"HTTP/1.1 400 Bad Request\r\n", false},
                                        {"HTTP/1.1 503 Unavailable\r\n", false},
                                        {"SSH-2.0-OpenSSH\r\n", false},
                                        {"HTTP/1.1 2x0\r\n", false}}) {
    auto reading = read_http_answer(r.line, false, http_check());
    EXPECT_TRUE(reading.complete) << r.line;
    EXPECT_EQ(reading.outcome.success, r.success) << r.line;
  }
  EXPECT_EQ(read_http_answer("HTTP/1.1 503 Unavailable\r\n", false, http_check()).outcome.output,
            "HTTP probe failed with statuscode: 503");
}

TEST(HttpRequest, TheProbesOwnHeadersReplaceTheDefaults) {
  auto check = http_check();
  check.headers = {{"host", "example.local"}, {"X-A", "b"}};
  auto request = http_request(check);
  EXPECT_EQ(request.find("Host: 10.88.0.5"), std::string::npos) << request;
  EXPECT_NE(request.find("host: example.local\r\n"), std::string::npos);
  EXPECT_NE(request.find("Accept: */*\r\n"), std::string::npos);
  EXPECT_EQ(request.substr(request.size() - 4), "\r\n\r\n");
}

TEST(Failures, WordedAsTheKubeletWordsThem) {
  EXPECT_EQ(timeout_failure(http_check()),
            "Get \"http://10.88.0.5:5000/health\": context deadline exceeded (Client.Timeout exceeded while awaiting "
            "headers)");
  auto tcp = http_check();
  tcp.type = network_check::kind::tcp;
  EXPECT_EQ(timeout_failure(tcp), "dial tcp 10.88.0.5:5000: i/o timeout");
  EXPECT_EQ(connect_failure(tcp, ECONNREFUSED), "dial tcp 10.88.0.5:5000: connect: connection refused");
}

}  // namespace
}  // namespace orkest::probe
