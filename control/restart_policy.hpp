#pragma once
// When a pod's exited container runs again, as the kubelet decides it.

#include <chrono>
#include <string>

namespace orkest::control {

// restartPolicy Always restarts every exit, OnFailure a non-zero one, Never none.
bool should_restart(const std::string& restart_policy, int exit_code);

// How long to wait before restart number `restarts_so_far + 1`. The first restart is
// immediate (a killed replica comes back within a second); after that Kubernetes' back-off:
// 10 s, doubling, capped at 5 minutes. A container that ran `reset_after` resets the count.
std::chrono::seconds restart_delay(int crashes_in_a_row);

// A failed image pull shows ErrImagePull, then ImagePullBackOff until the next attempt, as the
// kubelet's status does; this long after the failure the reason changes.
inline constexpr auto image_pull_backoff_shown_after = std::chrono::seconds(2);

inline constexpr auto backoff_reset_after = std::chrono::minutes(10);
inline constexpr auto max_backoff = std::chrono::seconds(300);

}  // namespace orkest::control
