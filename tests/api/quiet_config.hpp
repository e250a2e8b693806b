#pragma once
// A threaded CAF actor system for the HTTP tests, with CAF's own logging off.

#include <caf/actor_system_config.hpp>

namespace orkest::testing {

struct quiet_config : caf::actor_system_config {
  quiet_config() {
    set("logger.file-verbosity", caf::atom("quiet"));
    set("logger.console-verbosity", caf::atom("quiet"));
  }
};

}  // namespace orkest::testing
