#include "app/runtime_choice.hpp"

#include "podman/fake_runtime.hpp"
#include "podman/podman_runtime.hpp"

namespace orkest::app {

std::shared_ptr<podman::container_runtime> make_runtime(const config& c) {
  if (c.runtime == "fake") return std::make_shared<podman::fake_runtime>();
  podman::podman_settings settings;
  settings.podman_binary = c.podman_binary;
  settings.containers_conf = c.containers_conf;
  settings.command_timeout = c.runtime_command_timeout;
  return std::make_shared<podman::podman_runtime>(settings);
}

}  // namespace orkest::app
