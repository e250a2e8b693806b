#include "actors/runtime_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace orkest::actors {

namespace {

using podman::container_runtime;

runtime_reply inspect_into(container_runtime& runtime, const std::string& id) {
  auto result = runtime.inspect(id);
  if (auto* error = std::get_if<podman::runtime_error>(&result)) {
    runtime_reply reply{*error, {}};
    reply.state.id = id;
    return reply;
  }
  return {std::nullopt, std::get<podman::container_state>(result)};
}

runtime_reply failed(const podman::runtime_error& error, const std::string& id) {
  runtime_reply reply{error, {}};
  reply.state.id = id;
  return reply;
}

runtime_actor::behavior_type worker(std::shared_ptr<container_runtime> runtime) {
  return {
      [runtime](run_atom, const podman::container_spec& spec) -> runtime_reply {
        auto ran = runtime->run(spec);
        if (auto* error = std::get_if<podman::runtime_error>(&ran)) return failed(*error, "");
        return inspect_into(*runtime, std::get<std::string>(ran));
      },
      [runtime](start_atom, const std::string& id) -> runtime_reply {
        if (auto error = runtime->start(id)) return failed(*error, id);
        return inspect_into(*runtime, id);
      },
      [runtime](stop_atom, const std::string& id, int64_t grace) -> runtime_reply {
        if (auto error = runtime->stop(id, std::chrono::seconds(grace))) return failed(*error, id);
        if (auto error = runtime->remove(id)) return failed(*error, id);
        return {std::nullopt, {}};
      },
      [runtime](remove_atom, const std::string& id) -> runtime_reply {
        if (auto error = runtime->remove(id)) return failed(*error, id);
        return {std::nullopt, {}};
      },
      [runtime](inspect_atom, const std::string& id) { return inspect_into(*runtime, id); },
      [runtime](list_atom, const podman::label_map& labels) -> runtime_list_reply {
        auto result = runtime->list(labels);
        if (auto* error = std::get_if<podman::runtime_error>(&result)) return {*error, {}};
        return {std::nullopt, std::get<std::vector<podman::container_state>>(result)};
      },
      [runtime](logs_atom, const std::string& id, const podman::log_options& options) -> runtime_logs_reply {
        auto result = runtime->logs(id, options);
        if (auto* error = std::get_if<podman::runtime_error>(&result)) return {*error, {}};
        return {std::nullopt, std::get<std::string>(result)};
      },
  };
}

struct dispatcher_state {
  std::vector<runtime_actor> workers;
  std::size_t next = 0;
  static inline const char* name = "runtime";

  const runtime_actor& pick() { return workers[next++ % workers.size()]; }
};

runtime_actor::behavior_type dispatcher(runtime_actor::stateful_pointer<dispatcher_state> self,
                                        std::vector<runtime_actor> workers) {
  self->state.workers = std::move(workers);
  // Workers live exactly as long as the dispatcher.
  for (auto& w : self->state.workers) self->link_to(w);
  return {
      [self](run_atom a, podman::container_spec& spec) { return self->delegate(self->state.pick(), a, std::move(spec)); },
      [self](start_atom a, std::string& id) { return self->delegate(self->state.pick(), a, std::move(id)); },
      [self](stop_atom a, std::string& id, int64_t grace) {
        return self->delegate(self->state.pick(), a, std::move(id), grace);
      },
      [self](remove_atom a, std::string& id) { return self->delegate(self->state.pick(), a, std::move(id)); },
      [self](inspect_atom a, std::string& id) { return self->delegate(self->state.pick(), a, std::move(id)); },
      [self](list_atom a, podman::label_map& labels) {
        return self->delegate(self->state.pick(), a, std::move(labels));
      },
      [self](logs_atom a, std::string& id, podman::log_options& options) {
        return self->delegate(self->state.pick(), a, std::move(id), std::move(options));
      },
  };
}

}  // namespace

runtime_actor spawn_runtime(caf::actor_system& system, std::shared_ptr<container_runtime> runtime,
                            std::size_t workers, bool detached) {
  std::vector<runtime_actor> pool;
  for (std::size_t i = 0; i < std::max<std::size_t>(workers, 1); ++i)
    pool.push_back(detached ? system.spawn<caf::detached>(worker, runtime) : system.spawn(worker, runtime));
  return system.spawn(dispatcher, std::move(pool));
}

}  // namespace orkest::actors
