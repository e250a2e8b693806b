#pragma once
// The container runtime the configuration names: podman, or the in-memory fake.

#include <memory>

#include "app/config.hpp"
#include "podman/container_runtime.hpp"

namespace orkest::app {

std::shared_ptr<podman::container_runtime> make_runtime(const config& c);

}  // namespace orkest::app
