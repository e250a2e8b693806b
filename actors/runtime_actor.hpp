#pragma once
// The container runtime as an actor. Runtime calls block (fork/exec of podman), so they run on
// a few detached worker actors with their own threads, never on CAF's scheduler; a dispatcher
// in front spreads requests over the workers round-robin.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <memory>
#include <optional>

#include "actors/atoms.hpp"
#include "podman/container_runtime.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

struct runtime_reply {
  std::optional<podman::runtime_error> error;
  podman::container_state state;  // for run/start/inspect; state.id is set even when start failed
};

struct runtime_list_reply {
  std::optional<podman::runtime_error> error;
  std::vector<podman::container_state> containers;
};

struct runtime_exec_reply {
  std::optional<podman::runtime_error> error;
  podman::exec_result result;
};

struct runtime_logs_reply {
  std::optional<podman::runtime_error> error;
  std::string text;
};

using runtime_actor = caf::typed_actor<
    // create, start and inspect one container
    caf::replies_to<run_atom, podman::container_spec>::with<runtime_reply>,
    // start an existing (exited) container again and inspect it
    caf::replies_to<start_atom, std::string>::with<runtime_reply>,
    // stop with a grace period (seconds), then remove
    caf::replies_to<stop_atom, std::string, int64_t>::with<runtime_reply>,
    // stop with a grace period and keep the container (a failed liveness probe: it restarts)
    caf::replies_to<kill_atom, std::string, int64_t>::with<runtime_reply>,
    caf::replies_to<remove_atom, std::string>::with<runtime_reply>,
    caf::replies_to<inspect_atom, std::string>::with<runtime_reply>,
    caf::replies_to<list_atom, podman::label_map>::with<runtime_list_reply>,
    caf::replies_to<logs_atom, std::string, podman::log_options>::with<runtime_logs_reply>,
    // run a command in a running container (exec probes): container id, argv, timeout in ms
    caf::replies_to<exec_atom, std::string, std::vector<std::string>, int64_t>::with<runtime_exec_reply>>;

// Exec probes run on workers of their own, at most this many at once: a slow probe command
// never delays a pod's start or stop, and probes cannot flood the host with podman processes.
inline constexpr std::size_t exec_probe_workers = 2;

// `detached` is false only under the deterministic test scheduler, with a runtime that never
// blocks (the fake). With a `pod_subnet` (the pod network's CIDR), orkest picks each new
// container's address itself and knows it without an inspection.
runtime_actor spawn_runtime(caf::actor_system& system, std::shared_ptr<podman::container_runtime> runtime,
                            std::size_t workers, bool detached = true, const std::string& pod_subnet = {});

}  // namespace orkest::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::actors::runtime_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::actors::runtime_list_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::actors::runtime_logs_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::actors::runtime_exec_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::podman::container_spec)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::podman::label_map)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::podman::log_options)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::podman::container_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::podman::container_state)
