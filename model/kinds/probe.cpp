#include "model/kinds/probe.hpp"

#include <algorithm>

#include "model/defaulting.hpp"
#include "model/field_schema.hpp"
#include "model/name_rules.hpp"

namespace orkest::model::kinds {

using nlohmann::json;
namespace fe = field_error;
using namespace defaulting;

namespace {

constexpr const char* probe_fields[] = {"livenessProbe", "readinessProbe", "startupProbe"};

void validate_port(field_causes& found, reader& action, const json& action_object, const json& container) {
  const json* port = member(action_object, "port");
  if (!port) {
    found.push_back(fe::required(action.path("port")));
  } else if (port->is_number_integer()) {
    add_port_number_errors(found, action.path("port"), port->get<long long>());
  } else if (port->is_string()) {
    auto errors = name_rules::port_name(port->get<std::string>());
    fe::add_invalid(found, action.path("port"), *port, errors);
    if (errors.empty() && !resolve_probe_port(*port, container))
      found.push_back(fe::invalid(action.path("port"), *port, "must be the name of one of the container's ports"));
  } else {
    found.push_back(fe::type_invalid(action.path("port"), *port, "integer or string"));
  }
  // The probe goes to the pod's own address: orkest sends no probe anywhere else.
  if (auto host = action.string("host"); host && !host->empty())
    found.push_back(fe::forbidden(action.path("host"), "not supported by orkest: probes go to the pod's own IP"));
}

void validate_http_get(field_causes& found, reader& probe, const json& http, const json& container) {
  reader action(found, http, probe.path("httpGet"));
  validate_port(found, action, http, container);
  // The path goes into the request line as it is: no whitespace or control character may split it.
  if (auto path = action.string("path");
      path && std::any_of(path->begin(), path->end(), [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; }))
    found.push_back(fe::invalid(action.path("path"), *path, "must not contain whitespace or control characters"));
  if (auto scheme = action.string("scheme"); scheme && *scheme != "HTTP")
    found.push_back(*scheme == "HTTPS"
                        ? fe::forbidden(action.path("scheme"), "not supported by orkest: HTTP probes only")
                        : fe::not_supported(action.path("scheme"), *scheme, {"HTTP", "HTTPS"}));
  for_each_object(found, action.array("httpHeaders"), action.path("httpHeaders"), [&](reader& header, std::size_t) {
    if (auto name = header.required_string("name"))
      fe::add_invalid(found, header.path("name"), *name, name_rules::http_header_name(*name));
    if (auto value = header.string("value"); value && value->find_first_of("\r\n") != std::string::npos)
      found.push_back(fe::invalid(header.path("value"), *value, "must not contain line breaks"));
  });
}

void validate_exec(field_causes& found, reader& probe, const json& exec) {
  reader action(found, exec, probe.path("exec"));
  const json* command = action.array("command");
  action.string_array("command");
  if (!command || command->empty()) found.push_back(fe::required(action.path("command")));
}

void at_least(field_causes& found, reader& probe, const char* name, long long minimum) {
  if (auto value = probe.integer(name); value && *value < minimum)
    found.push_back(fe::invalid(probe.path(name), *value,
                                minimum == 0 ? "must be greater than or equal to 0"
                                             : "must be greater than or equal to " + std::to_string(minimum)));
}

void validate_probe(field_causes& found, reader& container, const json& probe_object, const char* field,
                    const json& container_object) {
  reader probe(found, probe_object, container.path(field));
  const bool readiness = std::string(field) == "readinessProbe";
  int handlers = 0;
  if (const json* http = probe.object("httpGet")) {
    ++handlers;
    validate_http_get(found, probe, *http, container_object);
  }
  if (const json* tcp = probe.object("tcpSocket")) {
    ++handlers;
    reader action(found, *tcp, probe.path("tcpSocket"));
    validate_port(found, action, *tcp, container_object);
  }
  if (const json* exec = probe.object("exec")) {
    ++handlers;
    validate_exec(found, probe, *exec);
  }
  if (probe.present("grpc") && !member_or_null(probe_object, "grpc").is_null())
    found.push_back(fe::forbidden(probe.path("grpc"), "not supported by orkest: use httpGet, tcpSocket or exec"));
  else if (handlers == 0)
    found.push_back(fe::required(container.path(field), "must specify a handler type"));
  else if (handlers > 1)
    found.push_back(fe::forbidden(container.path(field), "may not specify more than 1 handler type"));

  at_least(found, probe, "initialDelaySeconds", 0);
  for (const char* positive : {"periodSeconds", "timeoutSeconds", "successThreshold", "failureThreshold"})
    at_least(found, probe, positive, 1);
  if (!readiness)
    if (auto successes = probe.integer("successThreshold"); successes && *successes != 1)
      found.push_back(fe::invalid(probe.path("successThreshold"), *successes, "must be 1"));
  if (probe.present("terminationGracePeriodSeconds") && !member_or_null(probe_object, "terminationGracePeriodSeconds").is_null()) {
    if (readiness)
      found.push_back(fe::invalid(probe.path("terminationGracePeriodSeconds"), probe_object["terminationGracePeriodSeconds"],
                                  "must not be set for readinessProbes"));
    else
      at_least(found, probe, "terminationGracePeriodSeconds", 1);
  }
}

}  // namespace

std::optional<int> resolve_probe_port(const json& port, const json& container) {
  if (port.is_number_integer()) return port.get<int>();
  if (!port.is_string()) return std::nullopt;
  const auto name = port.get<std::string>();
  const auto& ports = member_or_null(container, "ports");
  if (ports.is_array())
    for (const auto& candidate : ports)
      if (string_member(candidate, "name") == name && member_or_null(candidate, "containerPort").is_number_integer())
        return candidate["containerPort"].get<int>();
  return std::nullopt;
}

void default_probes(json& container) {
  for (const char* field : probe_fields) {
    json* probe = object_member(container, field);
    if (!probe) continue;
    set_default(*probe, "timeoutSeconds", 1);
    set_default(*probe, "periodSeconds", 10);
    set_default(*probe, "successThreshold", 1);
    set_default(*probe, "failureThreshold", 3);
    if (json* http = object_member(*probe, "httpGet")) {
      set_default(*http, "path", "/");
      set_default(*http, "scheme", "HTTP");
    }
  }
}

void validate_probes(field_causes& found, reader& container, const json& container_object) {
  for (const char* field : probe_fields)
    if (const json* probe = container.object(field)) validate_probe(found, container, *probe, field, container_object);
}

json probe_schema() {
  using field_schema::any;
  using field_schema::list_of;
  json port_action = {{"port", any()}, {"host", any()}};
  json http = port_action;
  http["path"] = any();
  http["scheme"] = any();
  http["httpHeaders"] = list_of({{"name", any()}, {"value", any()}});
  return {{"httpGet", http},
          {"tcpSocket", port_action},
          {"exec", {{"command", any()}}},
          {"grpc", any()},
          {"initialDelaySeconds", any()},
          {"periodSeconds", any()},
          {"timeoutSeconds", any()},
          {"successThreshold", any()},
          {"failureThreshold", any()},
          {"terminationGracePeriodSeconds", any()}};
}

}  // namespace orkest::model::kinds
