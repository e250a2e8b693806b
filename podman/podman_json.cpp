#include "podman/podman_json.hpp"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace orkest::podman {
namespace {

using nlohmann::json;

// podman omits or nulls fields freely (Labels is null without labels, ContainerExitCode is
// absent when 0): every read tolerates a missing or mistyped field.
std::string text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int integer(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int>() : 0;
}

const json& member(const json& object, const char* key) {
  static const json empty = json::object();
  auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : empty;
}

label_map labels(const json& object) {
  label_map result;
  for (const auto& [key, value] : object.items())
    if (value.is_string()) result[key] = value.get<std::string>();
  return result;
}

runtime_error parse_failure(const char* what, const std::string& detail) {
  return runtime_error{runtime_reason::failed,
                       std::string("cannot read the output of podman ") + what + ": " + detail};
}

std::string inspect_ip(const json& network_settings) {
  for (const auto& [name, network] : member(network_settings, "Networks").items()) {
    std::string ip = network.is_object() ? text(network, "IPAddress") : std::string();
    if (!ip.empty()) return ip;
  }
  return text(network_settings, "IPAddress");  // podman's default network reports it here
}

container_state from_inspect(const json& c) {
  const json& state = member(c, "State");
  container_state result;
  result.id = text(c, "Id");
  result.name = text(c, "Name");
  result.image = text(c, "ImageName");
  if (result.image.empty()) result.image = text(member(c, "Config"), "Image");
  result.labels = labels(member(member(c, "Config"), "Labels"));
  result.status = parse_status(text(state, "Status"));
  result.exit_code = integer(state, "ExitCode");
  auto oom = state.find("OOMKilled");
  result.oom_killed = oom != state.end() && oom->is_boolean() && oom->get<bool>();
  result.started_at = rfc3339_utc(text(state, "StartedAt"));
  // A running container keeps the FinishedAt of its previous run; the interface promises an
  // empty finished_at unless exited.
  if (result.status == container_status::exited) result.finished_at = rfc3339_utc(text(state, "FinishedAt"));
  result.ip = inspect_ip(member(c, "NetworkSettings"));
  result.error = text(state, "Error");
  return result;
}

}  // namespace

std::string format_utc(std::int64_t unix_seconds) {
  if (unix_seconds <= 0) return {};
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

runtime_result<std::vector<container_state>> parse_inspect(std::string_view json_text) {
  constexpr const char* what = "container inspect";
  json parsed = json::parse(json_text, nullptr, false);
  if (parsed.is_discarded()) return parse_failure(what, "not JSON");
  if (!parsed.is_array()) return parse_failure(what, "not a JSON array");
  std::vector<container_state> result;
  for (const auto& c : parsed) {
    if (!c.is_object()) return parse_failure(what, "an array element is not an object");
    result.push_back(from_inspect(c));
  }
  return result;
}

std::optional<container_event> parse_event(std::string_view line) {
  json event = json::parse(line, nullptr, false);
  if (!event.is_object() || text(event, "Type") != "container") return std::nullopt;
  container_event result;
  result.id = text(event, "ID");
  result.name = text(event, "Name");
  result.action = text(event, "Status");
  if (result.id.empty() || result.action.empty()) return std::nullopt;
  // Attributes are the container's labels, including those inherited from its image.
  result.labels = labels(member(event, "Attributes"));
  auto exit_code = event.find("ContainerExitCode");
  if (exit_code != event.end() && exit_code->is_number_integer())
    result.exit_code = exit_code->get<int>();
  else if (result.action == "died")
    result.exit_code = 0;  // podman leaves the field out when it is 0
  return result;
}

container_status parse_status(std::string_view status) {
  if (status == "running") return container_status::running;
  // "stopped": stopped but not yet cleaned up by conmon; as far as the pod goes, exited.
  if (status == "exited" || status == "stopped") return container_status::exited;
  // "configured"/"initialized": created, with the OCI runtime prepared but not started.
  if (status == "created" || status == "configured" || status == "initialized")
    return container_status::created;
  return container_status::unknown;
}

std::string rfc3339_utc(std::string_view go_time) {
  std::string s(go_time);
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6)
    return {};
  size_t pos = static_cast<size_t>(consumed);
  if (pos < s.size() && s[pos] == '.')
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9';) ++pos;  // drop the fraction
  long offset_seconds = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int hours = 0, minutes = 0;
    if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d", &hours, &minutes) != 2) return {};
    offset_seconds = (s[pos] == '+' ? 1 : -1) * (hours * 3600L + minutes * 60L);
  } else if (pos >= s.size() || s[pos] != 'Z') {
    return {};
  }
  if (tm.tm_year <= 1) return {};  // Go's zero time: never happened
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return format_utc(static_cast<std::int64_t>(timegm(&tm)) - offset_seconds);
}

}  // namespace orkest::podman
