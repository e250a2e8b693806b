#include "api/log_stream.hpp"

#include <caf/blocking_actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

#include "api/request_handler.hpp"
#include "client/api_client.hpp"
#include "control/ip_allocator.hpp"
#include "model/timestamp.hpp"
#include "model/json_access.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

using nlohmann::json;

namespace {

std::optional<bool> boolean_value(const std::string& text) {
  if (text == "true" || text == "1" || text == "True") return true;
  if (text == "false" || text == "0" || text == "False" || text.empty()) return false;
  return std::nullopt;
}

std::optional<int64_t> integer_value(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::size_t start = text[0] == '-' ? 1 : 0;
  if (start == text.size()) return std::nullopt;
  for (std::size_t i = start; i < text.size(); ++i)
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  return std::stoll(text);
}

// "podman://abc" -> "abc"
std::string runtime_id(const std::string& container_id) {
  auto separator = container_id.find("://");
  return separator == std::string::npos ? container_id : container_id.substr(separator + 3);
}

// Kubernetes' words for why a container has no output yet.
std::string waiting_message(const json& waiting) {
  auto reason = string_member(waiting, "reason");
  if (reason == "ErrImagePull" || reason == "ErrImageNeverPull" || reason == "ImagePullBackOff")
    return "trying and failing to pull image";
  if (reason == "InvalidImageName") return "invalid image name";
  return reason.empty() ? "ContainerCreating" : reason;
}

std::string truncate_to(std::string output, const std::optional<int64_t>& limit) {
  if (limit && static_cast<int64_t>(output.size()) > *limit) output.resize(static_cast<std::size_t>(*limit));
  return output;
}

using follow_expired_atom = caf::atom_constant<caf::atom("fexpired")>;

// Produces a followed log: hands each piece of output to `emit` until the log ends or `stop`
// is set; returns why it ended when that was a failure.
using log_producer = std::function<std::optional<std::string>(const std::function<void(std::string_view)>& emit,
                                                              const std::atomic<bool>& stop)>;

// Follows one log into the sink on its own thread (podman logs, or a node's answer, blocks).
void follow(caf::blocking_actor* self, log_producer produce, std::shared_ptr<response_sink> sink,
            std::optional<int64_t> limit_bytes, std::chrono::milliseconds longest,
            std::shared_ptr<std::atomic<std::size_t>> following) {
  auto stop = std::make_shared<std::atomic<bool>>(false);
  sink->on_close([stop] { *stop = true; });
  // follow_logs blocks this thread; a timer of its own ends it after `longest`. The timer ends
  // with the follow: left waiting, it kept orkest from stopping (the actor system waits for
  // every actor) for up to api.watchTimeoutSeconds after any log follow.
  auto timer = self->spawn([stop, longest](caf::event_based_actor* timer) -> caf::behavior {
    timer->delayed_send(timer, longest, follow_expired_atom::value);
    return {[stop, timer](follow_expired_atom) {
      *stop = true;
      timer->quit();
    }};
  });
  int64_t written = 0;
  auto failure = produce(
      [&](std::string_view output) {
        if (*stop) return;
        std::string chunk(output);
        if (limit_bytes) {
          if (written + static_cast<int64_t>(chunk.size()) >= *limit_bytes) {
            chunk.resize(static_cast<std::size_t>(*limit_bytes - written));
            *stop = true;
          }
          written += static_cast<int64_t>(chunk.size());
        }
        if (!sink->write(chunk)) *stop = true;
      },
      *stop);
  caf::anon_send_exit(timer, caf::exit_reason::user_shutdown);
  if (failure) spdlog::debug("following a log ended: {}", *failure);
  sink->end();
  following->fetch_sub(1);
}

// Starts following a log into the sink on a thread of its own: 429 past the open follows'
// limit; nullopt once the stream took the sink (or the client left before it began).
std::optional<http_response> start_follow(store_client& store, const log_source& logs,
                                          const std::shared_ptr<response_sink>& sink, log_producer produce,
                                          std::optional<int64_t> limit_bytes) {
  if (logs.following->fetch_add(1) >= logs.max_follows) {
    logs.following->fetch_sub(1);
    return error_response(too_many_requests("Too many requests, please try again later: " +
                                            std::to_string(logs.max_follows) + " log follows are open"));
  }
  if (!sink->begin_stream(200, "text/plain")) {
    logs.following->fetch_sub(1);
    return std::nullopt;
  }
  store.system().spawn<caf::detached>(follow, std::move(produce), sink, limit_bytes, logs.longest_follow,
                                      logs.following);
  return std::nullopt;
}

// The log request for the pod's node: the parameters as validated here, nothing else.
std::string node_log_path(client::api_client& node, const route& r, const log_parameters& wanted,
                          const std::string& container) {
  std::string path = "/api/v1/namespaces/" + r.ns + "/pods/" + r.name + "/log?container=" + node.escape(container);
  if (wanted.follow) path += "&follow=true";
  if (wanted.previous) path += "&previous=true";
  if (wanted.timestamps) path += "&timestamps=true";
  if (wanted.tail_lines) path += "&tailLines=" + std::to_string(*wanted.tail_lines);
  if (wanted.since_seconds) path += "&sinceSeconds=" + std::to_string(*wanted.since_seconds);
  if (!wanted.since_time.empty()) path += "&sinceTime=" + node.escape(wanted.since_time);
  if (wanted.limit_bytes) path += "&limitBytes=" + std::to_string(*wanted.limit_bytes);
  return path;
}

// Where node `name`'s agent answers log requests: "http://IP:PORT", or the error to answer.
std::variant<std::string, api_error> node_log_server(store_client& store, const std::string& name) {
  auto node = store.call(actors::get_atom::value, store::object_key{"Node", "", name});
  if (!node.ok()) return node.error->code == 404 ? bad_request("pod's node " + name + " does not exist") : *node.error;
  std::string address;
  for (const auto& entry : array_member(member_or_null(node.object, "status"), "addresses"))
    if (string_member(entry, "type") == "InternalIP") address = string_member(entry, "address");
  const auto& port = member_or_null(
      member_or_null(member_or_null(member_or_null(node.object, "status"), "daemonEndpoints"), "kubeletEndpoint"), "Port");
  if (!control::parse_ipv4(address) || !port.is_number_integer() || port.get<int64_t>() < 1 || port.get<int64_t>() > 65535)
    return bad_request("node " + name + " serves no logs (it has no InternalIP and kubelet port to read them from)");
  return "http://" + address + ":" + std::to_string(port.get<int64_t>());
}

// The log of a pod on another node, read from that node's agent.
std::optional<http_response> node_log_request(store_client& store, const log_source& logs, const route& r,
                                              const log_parameters& wanted, const std::string& container,
                                              const std::string& node_name, const std::shared_ptr<response_sink>* sink) {
  auto server = node_log_server(store, node_name);
  if (auto* error = std::get_if<api_error>(&server)) return error_response(*error);
  client::api_endpoint endpoint{std::get<std::string>(server), logs.node_token, logs.timeout, ""};
  if (wanted.follow && sink) {
    const auto longest = logs.longest_follow;
    log_producer from_node = [endpoint, r, wanted, container, longest](const auto& emit, const std::atomic<bool>& stop)
        -> std::optional<std::string> {
      client::api_client node(endpoint);
      auto failure = node.stream_text(node_log_path(node, r, wanted, container),
                                      [&](std::string_view piece) {
                                        emit(piece);
                                        return !stop.load();
                                      },
                                      stop, longest);
      if (failure) return failure->message;
      return std::nullopt;
    };
    return start_follow(store, logs, *sink, std::move(from_node), wanted.limit_bytes);
  }
  auto read = [endpoint, r, wanted, container] {
    client::api_client node(endpoint);
    auto answer = node.get_text(node_log_path(node, r, wanted, container));
    if (auto* error = std::get_if<api_error>(&answer)) return error_response(*error);
    return http_response{200, "text/plain", truncate_to(std::move(std::get<std::string>(answer)), wanted.limit_bytes), {}};
  };
  if (!sink) return read();
  // Off the HTTP worker: the agent may need this server (the pod, from its API) to answer, and
  // a worker waiting for the agent would keep that request from being served.
  store.system().spawn<caf::detached>([read, answer_to = *sink](caf::blocking_actor*) { answer_to->send(read()); });
  return std::nullopt;
}

}  // namespace

std::variant<log_parameters, api_error> log_parameters_of(const http_request& request) {
  log_parameters parameters;
  auto value = [&](const char* key) -> std::optional<std::string> {
    auto it = request.query.find(key);
    if (it == request.query.end()) return std::nullopt;
    return it->second;
  };
  parameters.container = value("container").value_or("");
  for (auto [key, target] : {std::pair{"follow", &parameters.follow}, std::pair{"previous", &parameters.previous},
                             std::pair{"timestamps", &parameters.timestamps}}) {
    if (auto raw = value(key)) {
      auto parsed = boolean_value(*raw);
      if (!parsed) return bad_request(std::string(key) + ": invalid value \"" + *raw + "\": must be true or false");
      *target = *parsed;
    }
  }
  if (auto raw = value("tailLines")) {
    auto parsed = integer_value(*raw);
    if (!parsed || *parsed < 0 || *parsed > 2147483647)
      return bad_request("tailLines: invalid value \"" + *raw + "\": must be a non-negative integer");
    parameters.tail_lines = static_cast<int>(*parsed);
  }
  if (auto raw = value("sinceSeconds")) {
    auto parsed = integer_value(*raw);
    if (!parsed || *parsed < 1 || *parsed > 2147483647)
      return bad_request("sinceSeconds: invalid value \"" + *raw + "\": must be greater than 0");
    parameters.since_seconds = static_cast<int>(*parsed);
  }
  if (auto raw = value("sinceTime")) {
    if (!parse_rfc3339(*raw)) return bad_request("sinceTime: invalid value \"" + *raw + "\": must be RFC 3339");
    if (parameters.since_seconds) return bad_request("at most one of sinceTime or sinceSeconds may be specified");
    parameters.since_time = *raw;
  }
  if (auto raw = value("limitBytes")) {
    auto parsed = integer_value(*raw);
    if (!parsed || *parsed < 1) return bad_request("limitBytes: invalid value \"" + *raw + "\": must be greater than 0");
    parameters.limit_bytes = *parsed;
  }
  return parameters;
}

std::variant<log_target, api_error> log_target_of(const json& pod, const log_parameters& parameters) {
  auto pod_name = string_member(member_or_null(pod, "metadata"), "name");
  const auto& containers = member_or_null(member_or_null(pod, "spec"), "containers");
  std::vector<std::string> names;
  if (containers.is_array())
    for (const auto& container : containers) names.push_back(string_member(container, "name"));
  std::string name = parameters.container;
  if (name.empty()) {
    if (names.size() != 1) {
      std::string choices;
      for (const auto& candidate : names) choices += (choices.empty() ? "" : " ") + candidate;
      return bad_request("a container name must be specified for pod " + pod_name + ", choose one of: [" + choices +
                         "]");
    }
    name = names.front();
  } else if (std::find(names.begin(), names.end(), name) == names.end()) {
    return bad_request("container " + name + " is not valid for pod " + pod_name);
  }

  json status = json::object();
  const auto& statuses = member_or_null(member_or_null(pod, "status"), "containerStatuses");
  if (statuses.is_array())
    for (const auto& candidate : statuses)
      if (string_member(candidate, "name") == name) status = candidate;

  log_target target;
  target.container_name = name;
  target.options.timestamps = parameters.timestamps;
  target.options.tail_lines = parameters.tail_lines;
  target.options.since_seconds = parameters.since_seconds;
  target.options.since_time = parameters.since_time;
  if (parameters.previous) {
    const auto& terminated = member_or_null(member_or_null(status, "lastState"), "terminated");
    auto id = runtime_id(string_member(terminated, "containerID"));
    if (id.empty())
      return bad_request("previous terminated container \"" + name + "\" in pod \"" + pod_name + "\" not found");
    target.container_id = id;
    // A container restarted in place keeps every run's output: take the previous run's.
    if (id == runtime_id(string_member(status, "containerID"))) {
      if (target.options.since_time.empty() && !target.options.since_seconds)
        target.options.since_time = string_member(terminated, "startedAt");
      auto current_start = string_member(member_or_null(member_or_null(status, "state"), "running"), "startedAt");
      target.options.until_time = current_start.empty() ? string_member(terminated, "finishedAt") : current_start;
    }
    return target;
  }
  auto id = runtime_id(string_member(status, "containerID"));
  if (id.empty()) {
    const auto& waiting = member_or_null(member_or_null(status, "state"), "waiting");
    return bad_request("container \"" + name + "\" in pod \"" + pod_name +
                       "\" is waiting to start: " + waiting_message(waiting));
  }
  target.container_id = id;
  return target;
}

std::optional<http_response> log_request(store_client& store, const log_source& logs, const http_request& request,
                                         const route& r, const std::shared_ptr<response_sink>* sink) {
  if (request.method != "GET")
    return error_response(method_not_allowed("the server does not allow this method on the requested resource"));
  auto parameters = log_parameters_of(request);
  if (auto* error = std::get_if<api_error>(&parameters)) return error_response(*error);
  const auto& wanted = std::get<log_parameters>(parameters);
  auto pod = store.call(actors::get_atom::value, store::object_key{"Pod", r.ns, r.name});
  if (!pod.ok()) return error_response(*pod.error);
  auto target = log_target_of(pod.object, wanted);
  if (auto* error = std::get_if<api_error>(&target)) return error_response(*error);
  auto& chosen = std::get<log_target>(target);
  chosen.options.limit_bytes = wanted.limit_bytes;  // applied where the log is read
  const auto node_name = string_member(member_or_null(pod.object, "spec"), "nodeName");
  if (!logs.node_name.empty() && !node_name.empty() && node_name != logs.node_name)
    return node_log_request(store, logs, r, wanted, chosen.container_name, node_name, sink);

  if (wanted.follow && sink && logs.streaming) {
    log_producer from_runtime = [runtime = logs.streaming, chosen](const auto& emit, const std::atomic<bool>& stop)
        -> std::optional<std::string> {
      auto status = runtime->follow_logs(chosen.container_id, chosen.options, emit, stop);
      if (status) return chosen.container_id + ": " + status->message;
      return std::nullopt;
    };
    return start_follow(store, logs, *sink, std::move(from_runtime), wanted.limit_bytes);
  }

  caf::scoped_actor self{store.system()};
  http_response response = error_response(timeout("the container runtime did not answer in time"));
  self->request(logs.runtime, logs.timeout, actors::logs_atom::value, chosen.container_id, chosen.options)
      .receive(
          [&](actors::runtime_logs_reply& reply) {
            if (reply.error) {
              api_error error = reply.error->reason == podman::runtime_reason::not_found
                                    ? bad_request("the container of pod \"" + r.name + "\" is gone: " +
                                                  reply.error->message)
                                    : internal_error(reply.error->message);
              response = error_response(error);
            } else {
              response = {200, "text/plain", truncate_to(std::move(reply.text), wanted.limit_bytes), {}};
            }
          },
          [&](const caf::error& error) {
            if (error != caf::sec::request_timeout) response = error_response(internal_error(caf::to_string(error)));
          });
  return response;
}

}  // namespace orkest::api
