#pragma once
// Carries the runtime's event stream (a blocking read) into the actor world: a detached
// blocking actor that forwards every container event to the pod supervisor and reconnects
// when the stream breaks.

#include <memory>

#include "actors/pod_supervisor.hpp"

namespace orkest::actors {

// The pump ends when the supervisor does.
void spawn_runtime_event_pump(caf::actor_system& system, std::shared_ptr<podman::container_runtime> runtime,
                              pod_supervisor_actor supervisor);

}  // namespace orkest::actors
