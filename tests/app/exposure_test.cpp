// When orkest refuses to start, or warns, because its API is exposed without protection.
#include "app/exposure.hpp"

#include <gtest/gtest.h>

namespace orkest::app {
namespace {

TEST(Exposure, AnUnauthenticatedApiBeyondLoopbackNeedsInsecure) {
  config c;
  EXPECT_EQ(exposure_refusal(c, false), std::nullopt);  // the default: 127.0.0.1
  c.api_address = "0.0.0.0";
  auto refusal = exposure_refusal(c, false);
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("api.token"), std::string::npos);
  EXPECT_NE(refusal->find("--insecure"), std::string::npos);
  EXPECT_EQ(exposure_refusal(c, true), std::nullopt);
  c.api_token = "s3cret";
  EXPECT_EQ(exposure_refusal(c, false), std::nullopt);
  for (const char* local : {"127.0.0.1", "127.1.2.3", "localhost", "::1"}) {
    config loopback;
    loopback.api_address = local;
    EXPECT_EQ(exposure_refusal(loopback, false), std::nullopt) << local;
  }
}

TEST(Exposure, ATokenWithoutTlsIsWarnedAbout) {
  config c;
  EXPECT_TRUE(exposure_warnings(c).empty());
  c.api_token = "s3cret";
  ASSERT_EQ(exposure_warnings(c).size(), 1u);
  EXPECT_NE(exposure_warnings(c)[0].find("clear text"), std::string::npos);
  c.tls_cert_file = "/etc/orkest/cert.pem";
  c.tls_key_file = "/etc/orkest/key.pem";
  EXPECT_TRUE(exposure_warnings(c).empty());
}

}  // namespace
}  // namespace orkest::app
