#include "model/quantity.hpp"

#include <gtest/gtest.h>

namespace orkest::model {
namespace {

std::int64_t bytes(const char* text) { return quantity::parse(text)->value(); }
std::int64_t millis(const char* text) { return quantity::parse(text)->milli_value(); }

TEST(Quantity, SuffixesAsKubernetesReadsThem) {
  EXPECT_EQ(bytes("64Mi"), 64 * 1024 * 1024);
  EXPECT_EQ(bytes("1Gi"), 1073741824);
  EXPECT_EQ(bytes("1G"), 1000000000);
  EXPECT_EQ(bytes("128974848"), 128974848);
  EXPECT_EQ(bytes("129e6"), 129000000);
  EXPECT_EQ(bytes("123Mi"), 128974848);
  EXPECT_EQ(bytes("1.5Ki"), 1536);
  EXPECT_EQ(bytes("2E"), 2'000'000'000'000'000'000);
  EXPECT_EQ(millis("500m"), 500);
  EXPECT_EQ(millis("0.5"), 500);
  EXPECT_EQ(millis("2"), 2000);
  EXPECT_EQ(millis(".1"), 100);
  EXPECT_EQ(millis("1e-3"), 1);
  EXPECT_EQ(millis("250000u"), 250);
}

TEST(Quantity, RoundsUpAsValueAndMilliValue) {
  EXPECT_EQ(millis("0.0001"), 1) << "a tenth of a millicore is one millicore";
  EXPECT_EQ(bytes("1m"), 1) << "a thousandth of a byte is one byte";
  EXPECT_EQ(millis("1n"), 1);
}

TEST(Quantity, ComparesExactly) {
  EXPECT_EQ(*quantity::parse("0.1"), *quantity::parse("100m"));
  EXPECT_EQ(*quantity::parse("1Ki"), *quantity::parse("1024"));
  EXPECT_LT(*quantity::parse("999m"), *quantity::parse("1"));
  EXPECT_TRUE(quantity::parse("-1")->negative());
  EXPECT_FALSE(quantity::parse("+1")->negative());
}

TEST(Quantity, WhatIsNotAQuantity) {
  for (const char* text : {"", "m", "1x", "1 Gi", "1.2.3", "Gi", "1Mb", "1ki", "1e", "1e1.5", "--1", "1e9999",
                           "99999999999999999999999999999", "1Ei000"})
    EXPECT_FALSE(quantity::parse(text)) << text;
  EXPECT_FALSE(quantity::parse("9Ei")) << "beyond 2^63 bytes";
  EXPECT_TRUE(quantity::parse("7Ei"));
}

TEST(Quantity, NumbersAsJsonHasThem) {
  EXPECT_EQ(quantity::parse_number(0.5)->milli_value(), 500);
  EXPECT_EQ(quantity::parse_number(1073741824)->value(), 1073741824);
  EXPECT_FALSE(quantity::parse_number(1e300));
}

}  // namespace
}  // namespace orkest::model
