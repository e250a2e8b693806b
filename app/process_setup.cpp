#include "app/process_setup.hpp"

#include <pthread.h>

namespace orkest::app {

std::string ready_runtime(podman::container_runtime& runtime, const config& c) {
  if (auto error = runtime.check()) return "the " + runtime.name() + " runtime does not work: " + error->message;
  if (auto error = runtime.ensure_network(c.network, c.subnet))
    return "cannot prepare the pod network " + c.network + " (" + c.subnet + "): " + error->message;
  return {};
}

sigset_t block_stop_signals() {
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

void configure_actor_system(caf::actor_system_config& caf_config) {
  caf_config.set("logger.console-verbosity", caf::atom("quiet"));
  caf_config.set("scheduler.policy", caf::atom("sharing"));
}

}  // namespace orkest::app
