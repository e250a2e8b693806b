#include "model/quantity.hpp"

#include <cmath>
#include <cstdio>

namespace orkest::model {

namespace {

constexpr __int128 nanos_per_unit = 1'000'000'000;
// 2^63 units, as nanos: the most orkest counts.
constexpr __int128 limit_nanos = (static_cast<__int128>(1) << 63) * nanos_per_unit;

__int128 power(__int128 base, int exponent) {
  __int128 result = 1;
  for (int i = 0; i < exponent; ++i) {
    result *= base;
    if (result > limit_nanos) return limit_nanos + 1;
  }
  return result;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The suffix as a power of ten (decimal) or of 1024 (binary); nullopt when unknown.
struct scale {
  int base = 10;
  int exponent = 0;
};
std::optional<scale> suffix_scale(std::string_view suffix) {
  if (suffix.empty()) return scale{};
  if (suffix.size() == 2 && suffix[1] == 'i') {
    const std::string_view binary = "KMGTPE";
    const auto at = binary.find(suffix[0]);
    if (at == std::string_view::npos) return std::nullopt;
    return scale{1024, static_cast<int>(at) + 1};
  }
  if (suffix.size() == 1) {
    switch (suffix[0]) {
      case 'n': return scale{10, -9};
      case 'u': return scale{10, -6};
      case 'm': return scale{10, -3};
      case 'k': return scale{10, 3};
      case 'M': return scale{10, 6};
      case 'G': return scale{10, 9};
      case 'T': return scale{10, 12};
      case 'P': return scale{10, 15};
      case 'E': return scale{10, 18};
      default: break;
    }
  }
  if (suffix[0] == 'e' || suffix[0] == 'E') {
    std::string_view digits = suffix.substr(1);
    bool negative = false;
    if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
      negative = digits[0] == '-';
      digits.remove_prefix(1);
    }
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    int exponent = 0;
    for (char c : digits) {
      if (!is_digit(c)) return std::nullopt;
      exponent = exponent * 10 + (c - '0');
    }
    return scale{10, negative ? -exponent : exponent};
  }
  return std::nullopt;
}

__int128 divide_rounding_up(__int128 value, __int128 by) {
  const __int128 quotient = value / by;
  return quotient * by < value ? quotient + 1 : quotient;
}

}  // namespace

std::optional<quantity> quantity::parse(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  // The number: digits with at most one point, at least one digit; at most max_digits of them
  // (more precision than any resource needs, and the arithmetic below stays within 128 bits).
  constexpr int max_digits = 27;
  std::size_t end = 0;
  bool point = false;
  int digits = 0, fraction_digits = 0;
  __int128 mantissa = 0;
  for (; end < text.size(); ++end) {
    const char c = text[end];
    if (c == '.' && !point) {
      point = true;
    } else if (is_digit(c)) {
      if (++digits > max_digits) return std::nullopt;
      mantissa = mantissa * 10 + (c - '0');
      if (point) ++fraction_digits;
    } else {
      break;
    }
  }
  if (digits == 0) return std::nullopt;
  auto scaled = suffix_scale(text.substr(end));
  if (!scaled) return std::nullopt;
  // nanos = mantissa * base^exponent * 10^(9 - fraction_digits), rounded up, within the limit.
  const bool binary = scaled->base == 1024;
  const int ten_exponent = (binary ? 0 : scaled->exponent) + 9 - fraction_digits;
  __int128 nanos = mantissa;
  if (binary) {
    const __int128 factor = power(1024, scaled->exponent);
    if (nanos > limit_nanos / factor) return std::nullopt;
    nanos *= factor;
  }
  if (ten_exponent >= 0) {
    const __int128 factor = power(10, ten_exponent);
    if (nanos > limit_nanos / factor) return std::nullopt;
    nanos *= factor;
  } else {
    const __int128 divisor = power(10, -ten_exponent);
    nanos = divisor > limit_nanos ? (nanos != 0 ? 1 : 0) : divide_rounding_up(nanos, divisor);
  }
  return quantity(negative ? -nanos : nanos);
}

std::optional<quantity> quantity::parse_number(double value) {
  if (!std::isfinite(value)) return std::nullopt;
  char text[64];
  std::snprintf(text, sizeof text, "%.9f", value);
  return parse(text);
}

std::int64_t quantity::value() const {
  return static_cast<std::int64_t>(nanos_ < 0 ? -divide_rounding_up(-nanos_, nanos_per_unit)
                                              : divide_rounding_up(nanos_, nanos_per_unit));
}

std::int64_t quantity::milli_value() const {
  constexpr __int128 nanos_per_milli = 1'000'000;
  return static_cast<std::int64_t>(nanos_ < 0 ? -divide_rounding_up(-nanos_, nanos_per_milli)
                                              : divide_rounding_up(nanos_, nanos_per_milli));
}

}  // namespace orkest::model
