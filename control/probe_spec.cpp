#include "control/probe_spec.hpp"

#include "model/json_access.hpp"
#include "model/kinds/probe.hpp"

namespace orkest::control {

using nlohmann::json;

const char* to_string(probe_kind kind) {
  switch (kind) {
    case probe_kind::liveness: return "Liveness";
    case probe_kind::readiness: return "Readiness";
    case probe_kind::startup: return "Startup";
  }
  return "Unknown";
}

namespace {

std::chrono::seconds seconds_at(const json& probe, const char* name, int fallback) {
  const auto& value = model::member_or_null(probe, name);
  return std::chrono::seconds(value.is_number_integer() ? value.get<int64_t>() : fallback);
}

int integer_at(const json& probe, const char* name, int fallback) {
  const auto& value = model::member_or_null(probe, name);
  return value.is_number_integer() ? value.get<int>() : fallback;
}

std::optional<probe_spec> probe_from(probe_kind kind, const json& probe, const json& container) {
  probe_spec spec;
  spec.kind = kind;
  spec.initial_delay = seconds_at(probe, "initialDelaySeconds", 0);
  spec.period = seconds_at(probe, "periodSeconds", 10);
  spec.timeout = seconds_at(probe, "timeoutSeconds", 1);
  spec.success_threshold = integer_at(probe, "successThreshold", 1);
  spec.failure_threshold = integer_at(probe, "failureThreshold", 3);
  if (const auto& grace = model::member_or_null(probe, "terminationGracePeriodSeconds"); grace.is_number_integer())
    spec.termination_grace_period_seconds = grace.get<int64_t>();
  if (const auto& http = model::member_or_null(probe, "httpGet"); http.is_object()) {
    spec.handler = probe_handler::http_get;
    auto port = model::kinds::resolve_probe_port(model::member_or_null(http, "port"), container);
    if (!port) return std::nullopt;
    spec.port = *port;
    if (auto path = model::string_member(http, "path"); !path.empty()) spec.path = path[0] == '/' ? path : "/" + path;
    if (const auto& headers = model::member_or_null(http, "httpHeaders"); headers.is_array())
      for (const auto& header : headers)
        spec.http_headers.emplace_back(model::string_member(header, "name"), model::string_member(header, "value"));
    return spec;
  }
  if (const auto& tcp = model::member_or_null(probe, "tcpSocket"); tcp.is_object()) {
    spec.handler = probe_handler::tcp_socket;
    auto port = model::kinds::resolve_probe_port(model::member_or_null(tcp, "port"), container);
    if (!port) return std::nullopt;
    spec.port = *port;
    return spec;
  }
  if (const auto& exec = model::member_or_null(probe, "exec"); exec.is_object()) {
    spec.handler = probe_handler::exec;
    if (const auto& command = model::member_or_null(exec, "command"); command.is_array())
      for (const auto& word : command)
        if (word.is_string()) spec.command.push_back(word.get<std::string>());
    return spec;
  }
  return std::nullopt;
}

}  // namespace

std::vector<probe_spec> probes_of(const json& container) {
  std::vector<probe_spec> probes;
  const std::pair<const char*, probe_kind> fields[] = {{"startupProbe", probe_kind::startup},
                                                       {"livenessProbe", probe_kind::liveness},
                                                       {"readinessProbe", probe_kind::readiness}};
  for (const auto& [field, kind] : fields)
    if (const auto& probe = model::member_or_null(container, field); probe.is_object())
      if (auto spec = probe_from(kind, probe, container)) probes.push_back(std::move(*spec));
  return probes;
}

}  // namespace orkest::control
