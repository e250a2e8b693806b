#include "model/base64.hpp"

#include <gtest/gtest.h>

namespace orkest::model {
namespace {

TEST(Base64, RoundTripsEveryLengthAndByte) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("s3cr3t!"), "czNjcjN0IQ==");
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (std::size_t length = 0; length <= all.size(); length += 37)
    EXPECT_EQ(base64_decode(base64_encode(all.substr(0, length))), all.substr(0, length)) << length;
}

TEST(Base64, OnlyPaddedStandardBase64Decodes) {
  EXPECT_EQ(base64_decode("czNjcjN0IQ=="), "s3cr3t!");
  for (const char* text : {"Zg", "Zg=", "Zm9v!A==", "Zm9v\n", "Z===", "====", "Zm-v", "Zm_v"})
    EXPECT_FALSE(base64_decode(text)) << text;
}

}  // namespace
}  // namespace orkest::model
