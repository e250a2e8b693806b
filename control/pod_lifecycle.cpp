#include "control/pod_lifecycle.hpp"

namespace orkest::control {

namespace {

pod_step without_container(const pod_lifecycle_facts& facts) {
  if (facts.restart == restart_stage::backing_off) return {pod_lifecycle_state::backing_off, pod_action::wait};
  if (facts.ended_for_good) return {pod_lifecycle_state::finished, pod_action::wait};
  return {pod_lifecycle_state::creating, pod_action::create};
}

pod_step after_exit(const pod_lifecycle_facts& facts) {
  // The message first: the restart policy's decision records it with the exit.
  if (facts.termination_message_unread) return {pod_lifecycle_state::exited, pod_action::read_termination_message};
  if (facts.restart == restart_stage::due) return {pod_lifecycle_state::exited, pod_action::restart};
  if (facts.restart == restart_stage::backing_off) return {pod_lifecycle_state::backing_off, pod_action::wait};
  if (!facts.exit_decided) return {pod_lifecycle_state::exited, pod_action::decide_on_exit};
  return {facts.ended_for_good ? pod_lifecycle_state::finished : pod_lifecycle_state::exited, pod_action::wait};
}

}  // namespace

pod_step next_pod_step(const pod_lifecycle_facts& facts) {
  if (facts.adoption_due) return {pod_lifecycle_state::adopting, pod_action::adopt};
  if (facts.leaving) return {pod_lifecycle_state::terminating, pod_action::stop};
  if (facts.leftovers) return {pod_lifecycle_state::clearing, pod_action::remove_leftover};
  if (!facts.container) return without_container(facts);
  if (facts.inspection_due) return {pod_lifecycle_state::checking, pod_action::inspect};
  if (*facts.container == podman::container_status::exited) return after_exit(facts);
  return {pod_lifecycle_state::running, pod_action::publish_status};
}

const char* to_string(pod_lifecycle_state state) {
  switch (state) {
    case pod_lifecycle_state::adopting: return "adopting";
    case pod_lifecycle_state::terminating: return "terminating";
    case pod_lifecycle_state::clearing: return "clearing";
    case pod_lifecycle_state::checking: return "checking";
    case pod_lifecycle_state::creating: return "creating";
    case pod_lifecycle_state::backing_off: return "backing-off";
    case pod_lifecycle_state::running: return "running";
    case pod_lifecycle_state::exited: return "exited";
    case pod_lifecycle_state::finished: return "finished";
  }
  return "unknown";
}

const char* to_string(pod_action action) {
  switch (action) {
    case pod_action::wait: return "wait";
    case pod_action::adopt: return "adopt";
    case pod_action::stop: return "stop";
    case pod_action::remove_leftover: return "remove-leftover";
    case pod_action::inspect: return "inspect";
    case pod_action::create: return "create";
    case pod_action::read_termination_message: return "read-termination-message";
    case pod_action::restart: return "restart";
    case pod_action::decide_on_exit: return "decide-on-exit";
    case pod_action::publish_status: return "publish-status";
  }
  return "unknown";
}

}  // namespace orkest::control
