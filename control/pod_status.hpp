#pragma once
// A pod's status (phase, conditions, containerStatuses, IPs) as a pure function of what its
// actor has observed of the container.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "podman/container_runtime.hpp"

namespace orkest::control {

enum class container_phase { waiting, running, terminated };

struct pod_observation {
  container_phase phase = container_phase::waiting;
  std::string reason = "ContainerCreating";  // for waiting (or terminated, e.g. "Error")
  std::string message;
  podman::container_state container;  // the current container, when one exists
  int restart_count = 0;
  std::optional<podman::container_state> last_terminated;  // the previous run, for lastState
  // What the container wrote to its terminationMessagePath (or its log's tail, with
  // FallbackToLogsOnError): the current run's once it ended, and the previous run's.
  std::string termination_message;
  std::string last_termination_message;
  bool restarting = false;  // terminated, but a restart is due: the pod stays Running
  // What the container's probes say while it runs (no probes: both true).
  bool ready = true;
  bool started = true;
  std::string ready_since;  // when the probes last changed ready (RFC 3339); empty: never
  std::string host_ip;
  std::string start_time;
};

nlohmann::json pod_status(const nlohmann::json& pod, const pod_observation& observed);

// "Completed" for exit 0, "OOMKilled", otherwise "Error", as the kubelet words it.
std::string termination_reason(const podman::container_state& container);

// Whether an exit was the kernel's OOM killer although the runtime did not say so (podman
// cannot tell under cgroup v1 in a nested container, as on these machines): the container had a
// memory limit, ended by SIGKILL (exit 137), and orkest did not stop it.
bool oom_kill_inferred(const podman::container_state& container, bool memory_limited, bool stopped_by_orkest);

}  // namespace orkest::control
