// What a pod actor does next, from what it knows: the lifecycle's order of questions.

#include "control/pod_lifecycle.hpp"

#include <gtest/gtest.h>

namespace orkest::control {
namespace {

using podman::container_status;
using state = pod_lifecycle_state;
using action = pod_action;

pod_lifecycle_facts with_container(container_status status) {
  pod_lifecycle_facts facts;
  facts.container = status;
  return facts;
}

TEST(PodLifecycle, EachSituationHasOneNextStep) {
  struct row {
    const char* situation;
    pod_lifecycle_facts facts;
    pod_step expected;
  };
  auto make = [](auto change) {
    pod_lifecycle_facts facts;
    change(facts);
    return facts;
  };
  const std::vector<row> rows = {
      {"a new pod", {}, {state::creating, action::create}},
      {"a pod with a container from an earlier orkest", make([](auto& f) { f.adoption_due = true; }),
       {state::adopting, action::adopt}},
      {"adoption before leaving: the old container must be found to be stopped",
       make([](auto& f) { f.adoption_due = true; f.leaving = true; }), {state::adopting, action::adopt}},
      {"a deleted pod with a running container",
       make([](auto& f) { f.leaving = true; f.container = container_status::running; }),
       {state::terminating, action::stop}},
      {"a deleted pod without a container", make([](auto& f) { f.leaving = true; }), {state::terminating, action::stop}},
      {"leaving before clearing left-overs", make([](auto& f) { f.leaving = true; f.leftovers = true; }),
       {state::terminating, action::stop}},
      {"left-overs before a create", make([](auto& f) { f.leftovers = true; }), {state::clearing, action::remove_leftover}},
      {"left-overs before a look at the adopted container",
       make([](auto& f) { f.leftovers = true; f.container = container_status::running; f.inspection_due = true; }),
       {state::clearing, action::remove_leftover}},
      {"a running container that may have changed",
       make([](auto& f) { f.container = container_status::running; f.inspection_due = true; }),
       {state::checking, action::inspect}},
      {"an exited container is looked at before its exit is decided on",
       make([](auto& f) { f.container = container_status::exited; f.inspection_due = true; }),
       {state::checking, action::inspect}},
      {"nothing to inspect without a container", make([](auto& f) { f.inspection_due = true; }),
       {state::creating, action::create}},
      {"a failed create backing off", make([](auto& f) { f.restart = restart_stage::backing_off; }),
       {state::backing_off, action::wait}},
      {"a back-off passed without a container", make([](auto& f) { f.restart = restart_stage::due; }),
       {state::creating, action::create}},
      {"a container gone after it ended for good", make([](auto& f) { f.ended_for_good = true; }),
       {state::finished, action::wait}},
      {"a running container", with_container(container_status::running), {state::running, action::publish_status}},
      {"a created, not yet started container", with_container(container_status::created),
       {state::running, action::publish_status}},
      {"a new exit", with_container(container_status::exited), {state::exited, action::decide_on_exit}},
      {"the termination message before the decision",
       make([](auto& f) { f.container = container_status::exited; f.termination_message_unread = true; }),
       {state::exited, action::read_termination_message}},
      {"the termination message before a due restart",
       make([](auto& f) {
         f.container = container_status::exited;
         f.termination_message_unread = true;
         f.restart = restart_stage::due;
       }),
       {state::exited, action::read_termination_message}},
      {"a restart that is due",
       make([](auto& f) { f.container = container_status::exited; f.restart = restart_stage::due; }),
       {state::exited, action::restart}},
      {"an exit in CrashLoopBackOff",
       make([](auto& f) {
         f.container = container_status::exited;
         f.restart = restart_stage::backing_off;
         f.exit_decided = true;
       }),
       {state::backing_off, action::wait}},
      {"an exit already decided on, restart pending elsewhere",
       make([](auto& f) { f.container = container_status::exited; f.exit_decided = true; }),
       {state::exited, action::wait}},
      {"an exit the restart policy ended",
       make([](auto& f) {
         f.container = container_status::exited;
         f.exit_decided = true;
         f.ended_for_good = true;
       }),
       {state::finished, action::wait}},
  };
  for (const auto& r : rows) {
    const auto step = next_pod_step(r.facts);
    EXPECT_EQ(step, r.expected) << r.situation << ": got " << to_string(step.state) << "/" << to_string(step.action)
                                << ", expected " << to_string(r.expected.state) << "/" << to_string(r.expected.action);
  }
}

TEST(PodLifecycle, EveryStateAndActionHasAName) {
  for (auto s : {state::adopting, state::terminating, state::clearing, state::checking, state::creating,
                 state::backing_off, state::running, state::exited, state::finished})
    EXPECT_STRNE(to_string(s), "unknown");
  for (auto a : {action::wait, action::adopt, action::stop, action::remove_leftover, action::inspect, action::create,
                 action::read_termination_message, action::restart, action::decide_on_exit, action::publish_status})
    EXPECT_STRNE(to_string(a), "unknown");
}

}  // namespace
}  // namespace orkest::control
