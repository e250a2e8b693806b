#include "control/restart_policy.hpp"

#include <algorithm>

namespace orkest::control {

bool should_restart(const std::string& restart_policy, int exit_code) {
  if (restart_policy == "Never") return false;
  if (restart_policy == "OnFailure") return exit_code != 0;
  return true;
}

std::chrono::seconds restart_delay(int crashes_in_a_row) {
  if (crashes_in_a_row <= 1) return std::chrono::seconds(0);
  auto delay = std::chrono::seconds(10);
  for (int i = 2; i < crashes_in_a_row && delay < max_backoff; ++i) delay *= 2;
  return std::min<std::chrono::seconds>(delay, max_backoff);
}

}  // namespace orkest::control
