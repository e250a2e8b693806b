#pragma once
// Kubernetes' resource quantities ("500m", "0.5", "64Mi", "1G", "2e3"): the grammar of
// k8s.io/apimachinery/pkg/api/resource, read exactly (as a count of billionths) so that "0.1"
// and "100m" compare equal.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orkest::model {

class quantity {
 public:
  // nullopt when `text` is not a quantity, or is beyond what orkest counts (2^63 base units).
  static std::optional<quantity> parse(std::string_view text);
  // A JSON value as Kubernetes reads a Quantity: its text, or a number.
  static std::optional<quantity> parse_number(double value);

  bool negative() const { return nanos_ < 0; }
  // In whole units, rounded up (Kubernetes' Value): bytes of "64Mi".
  std::int64_t value() const;
  // In thousandths, rounded up (Kubernetes' MilliValue): millicores of "0.5".
  std::int64_t milli_value() const;

  friend bool operator<(const quantity& a, const quantity& b) { return a.nanos_ < b.nanos_; }
  friend bool operator==(const quantity& a, const quantity& b) { return a.nanos_ == b.nanos_; }

 private:
  explicit quantity(__int128 nanos) : nanos_(nanos) {}
  __int128 nanos_ = 0;  // the quantity times 10^9
};

// Kubernetes' message for text that is not a quantity.
inline constexpr const char* quantity_syntax_message =
    "must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

}  // namespace orkest::model
