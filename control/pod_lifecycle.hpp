#pragma once
// A pod's life as its actor (actors/pod_actor.cpp) lives it: which state it is in and what it
// does next, as a pure function of what the actor knows. The actor keeps the facts and carries
// out the action; the order in which the lifecycle's questions are asked lives here.

#include <optional>

#include "podman/container_runtime.hpp"

namespace orkest::control {

// Where a restart (or a new attempt to create the container) stands.
enum class restart_stage {
  none,
  backing_off,  // waiting for the back-off delay (CrashLoopBackOff, ImagePullBackOff, ...)
  due,          // the delay has passed, or there was none: the exited container starts again
};

enum class pod_lifecycle_state {
  adopting,     // a container of the pod's name may exist already: looked for before any create
  terminating,  // deleted or being deleted: its container is stopped, then the pod goes
  clearing,     // containers an earlier run left are removed before one is created
  checking,     // the container may have changed: the runtime is asked
  creating,     // no container: one is made (environment, volumes, run)
  backing_off,  // waiting out a back-off before the next create or restart
  running,      // the container exists and has not ended
  exited,       // the container ended: its termination message is read, the restart policy decides
  finished,     // ended for good: the restart policy wants no more runs
};

enum class pod_action {
  wait,                      // nothing until the next input (a timer, an event, a reply)
  adopt,                     // list the containers of the pod's name; take one over, mark the rest
  stop,                      // stop the container (after the endpoint drain), then remove the pod
  remove_leftover,           // remove one container found at adoption
  inspect,                   // ask the runtime for the container's state
  create,                    // read config, set up volumes, run the container
  read_termination_message,  // read what the ended container left at terminationMessagePath
  restart,                   // start the exited container again
  decide_on_exit,            // apply the restart policy to this exit: restart now, back off, or end
  publish_status,            // write the pod's status if it changed
};

// What the pod actor knows, as the lifecycle asks it.
struct pod_lifecycle_facts {
  bool adoption_due = false;    // a container of this name may exist (orkest restarted, a run refused)
  bool leaving = false;         // deleted from the store, or has a deletionTimestamp
  bool leftovers = false;       // containers found at adoption still wait for removal
  bool inspection_due = false;  // an event or a resync says the container may have changed
  std::optional<podman::container_status> container;  // none: the pod has no container
  restart_stage restart = restart_stage::none;
  bool ended_for_good = false;              // terminated, and the restart policy said no
  bool termination_message_unread = false;  // exited; its termination message not read yet
  bool exit_decided = false;                // the restart policy has seen this exit already
};

struct pod_step {
  pod_lifecycle_state state;
  pod_action action;
  bool operator==(const pod_step& other) const { return state == other.state && action == other.action; }
};

// Adoption comes first (a pod deleted while orkest was down still has a container to stop),
// then leaving, then clearing left-overs; a fresh look at the container precedes any decision
// about it.
pod_step next_pod_step(const pod_lifecycle_facts& facts);

const char* to_string(pod_lifecycle_state state);
const char* to_string(pod_action action);

}  // namespace orkest::control
