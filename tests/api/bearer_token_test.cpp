// The API token check: Kubernetes' reading of the Authorization header.
#include "api/bearer_token.hpp"

#include <gtest/gtest.h>

namespace orkest::api {
namespace {

TEST(BearerToken, TheSchemeInAnyCaseThenTheToken) {
  const bearer_token token("s3cret");
  ASSERT_TRUE(token.required());
  for (const char* accepted : {"Bearer s3cret", "bearer s3cret", "BEARER s3cret", " Bearer s3cret  "})
    EXPECT_TRUE(token.accepts(accepted)) << accepted;
  for (const char* refused : {"", "Bearer", "Bearer ", "Bearers3cret", "Bearer s3cre", "Bearer s3cretX", "Basic s3cret",
                              "Bearer S3CRET", "s3cret", "Bearer s3cret s3cret", "Bearer  s3cret", "Bearer\ts3cret"})
    EXPECT_FALSE(token.accepts(refused)) << refused;
}

TEST(BearerToken, WithoutATokenEveryRequestPasses) {
  const bearer_token none;
  EXPECT_FALSE(none.required());
  EXPECT_TRUE(none.accepts(""));
  EXPECT_FALSE(bearer_token("").required());
}

}  // namespace
}  // namespace orkest::api
