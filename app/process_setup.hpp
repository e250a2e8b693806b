#pragma once
// What the server and the agent set up alike before their actors start: the container runtime
// checked and its pod network ready, the stop signals kept for sigwait, CAF's configuration.

#include <caf/actor_system_config.hpp>
#include <csignal>
#include <string>

#include "app/config.hpp"
#include "podman/container_runtime.hpp"

namespace orkest::app {

// Checks the runtime works and makes (or reuses) the pod network; what to print when it does
// not, "" when ready.
std::string ready_runtime(podman::container_runtime& runtime, const config& c);

// SIGINT and SIGTERM blocked in every thread (for sigwait), SIGPIPE ignored (a client that
// closes its connection while a reply is written must not end the process).
sigset_t block_stop_signals();

// CAF quiet, with work sharing: idle workers block on a condition variable. CAF's default work
// stealing polls with 50 µs sleeps and wakes every 10 ms when idle, which costs ~1 % CPU doing
// nothing and, on two cores, a third of the API's throughput (docs/performance.md).
void configure_actor_system(caf::actor_system_config& caf_config);

}  // namespace orkest::app
