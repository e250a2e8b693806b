#include "control/pod_status.hpp"

#include "model/container_resources.hpp"
#include "model/json_access.hpp"

namespace orkest::control {

using nlohmann::json;

std::string termination_reason(const podman::container_state& container) {
  if (container.oom_killed) return "OOMKilled";
  return container.exit_code == 0 ? "Completed" : "Error";
}

bool oom_kill_inferred(const podman::container_state& container, bool memory_limited, bool stopped_by_orkest) {
  return !container.oom_killed && memory_limited && !stopped_by_orkest && container.exit_code == 137;
}

namespace {

json terminated_state(const podman::container_state& container, const std::string& message) {
  json state = {{"exitCode", container.exit_code}, {"reason", termination_reason(container)}};
  if (!message.empty()) state["message"] = message;
  if (!container.started_at.empty()) state["startedAt"] = container.started_at;
  if (!container.finished_at.empty()) state["finishedAt"] = container.finished_at;
  if (!container.id.empty()) state["containerID"] = "podman://" + container.id;
  return {{"terminated", state}};
}

json condition(const char* type, bool status, const std::string& since) {
  return {{"type", type}, {"status", status ? "True" : "False"}, {"lastProbeTime", nullptr},
          {"lastTransitionTime", since}};
}

std::string pod_phase(const json& pod, const pod_observation& observed) {
  switch (observed.phase) {
    case container_phase::waiting:
      // A container that ran once and waits for its restart keeps the pod Running.
      return observed.restart_count > 0 ? "Running" : "Pending";
    case container_phase::running:
      return "Running";
    case container_phase::terminated:
      if (observed.restarting) return "Running";
      return observed.container.exit_code == 0 ? "Succeeded" : "Failed";
  }
  return "Unknown";
}

// When the pod last became ready or unready, from the runtime's own timestamps: ready since its
// container started; unready since it stopped; before any of that, since the pod started.
std::string readiness_changed_at(const pod_observation& observed) {
  std::string at;
  if (observed.phase == container_phase::running && !observed.ready_since.empty()) at = observed.ready_since;
  else if (observed.phase == container_phase::running) at = observed.container.started_at;
  else if (observed.phase == container_phase::terminated) at = observed.container.finished_at;
  else if (observed.last_terminated) at = observed.last_terminated->finished_at;
  return at.empty() ? observed.start_time : at;
}

}  // namespace

json pod_status(const json& pod, const pod_observation& observed) {
  const json container_spec = model::value_at(pod, "/spec/containers/0"_json_pointer, json::object());
  const bool running = observed.phase == container_phase::running;
  const bool ready = running && observed.ready;
  std::string started = observed.start_time;
  std::string readiness_since = readiness_changed_at(observed);

  json state;
  if (observed.phase == container_phase::running) {
    state = {{"running", {{"startedAt", observed.container.started_at}}}};
  } else if (observed.phase == container_phase::terminated) {
    state = terminated_state(observed.container, observed.termination_message);  // restarting or not: the pod phase tells
  } else {
    json waiting = {{"reason", observed.reason}};
    if (!observed.message.empty()) waiting["message"] = observed.message;
    state = {{"waiting", waiting}};
  }

  json container_status = {{"name", container_spec.value("name", "")},
                           {"image", container_spec.value("image", "")},
                           {"imageID", ""},
                           {"ready", ready},
                           {"started", running && observed.started},
                           {"restartCount", observed.restart_count},
                           {"state", state},
                           {"lastState", json::object()}};
  if (!observed.container.id.empty()) container_status["containerID"] = "podman://" + observed.container.id;
  if (observed.last_terminated)
    container_status["lastState"] = terminated_state(*observed.last_terminated, observed.last_termination_message);

  json status = {{"phase", pod_phase(pod, observed)},
                 {"conditions", json::array({condition("Initialized", true, started),
                                             condition("Ready", ready, readiness_since),
                                             condition("ContainersReady", ready, readiness_since),
                                             condition("PodScheduled", true, started)})},
                 {"hostIP", observed.host_ip},
                 {"hostIPs", json::array({{{"ip", observed.host_ip}}})},
                 {"startTime", observed.start_time},
                 {"containerStatuses", json::array({container_status})},
                 {"qosClass", model::qos_class(model::member_or_null(pod, "spec"))}};
  if (running && !observed.container.ip.empty()) {
    status["podIP"] = observed.container.ip;
    status["podIPs"] = json::array({{{"ip", observed.container.ip}}});
  }
  return status;
}

}  // namespace orkest::control
