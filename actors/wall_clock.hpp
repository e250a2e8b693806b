#pragma once
// The time of day an actor stamps into objects and compares deadlines against. Production
// reads the system clock; deterministic tests pass one that follows CAF's test clock, so a
// deadline of ten minutes passes when the test advances the scheduler ten minutes.

#include <chrono>
#include <functional>

namespace orkest::actors {

using wall_clock = std::function<std::chrono::system_clock::time_point()>;

inline wall_clock system_wall_clock() {
  return [] { return std::chrono::system_clock::now(); };
}

}  // namespace orkest::actors
