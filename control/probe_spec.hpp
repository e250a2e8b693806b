#pragma once
// A container's probes (livenessProbe, readinessProbe, startupProbe) read from its validated
// spec, with Kubernetes' defaults applied and a named port resolved against the container's
// ports. Pure.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace orkest::control {

enum class probe_kind { liveness, readiness, startup };
enum class probe_handler { http_get, tcp_socket, exec };

// "Liveness", "Readiness", "Startup": as the kubelet's messages name them.
const char* to_string(probe_kind kind);

struct probe_spec {
  probe_kind kind = probe_kind::liveness;
  probe_handler handler = probe_handler::tcp_socket;
  int port = 0;                      // http_get, tcp_socket
  std::string path = "/";            // http_get
  std::vector<std::pair<std::string, std::string>> http_headers;
  std::vector<std::string> command;  // exec
  std::chrono::seconds initial_delay{0};
  std::chrono::seconds period{10};
  std::chrono::seconds timeout{1};
  int success_threshold = 1;
  int failure_threshold = 3;
  std::optional<int64_t> termination_grace_period_seconds;  // the probe's own, for a kill it causes
};

// The container's probes, in the order startup, liveness, readiness (those it has). A named
// port that no container port carries leaves the probe out (validation refuses such a spec).
std::vector<probe_spec> probes_of(const nlohmann::json& container);

}  // namespace orkest::control
