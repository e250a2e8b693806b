#include "actors/runtime_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>
#include <spdlog/spdlog.h>
#include <stdexcept>

#include "control/ip_allocator.hpp"
#include "model/timestamp.hpp"

namespace orkest::actors {

namespace {

using podman::container_runtime;

// Several containers' states, one reply per id asked for, in order.
struct runtime_batch_reply {
  std::vector<runtime_reply> replies;
};

}  // namespace
}  // namespace orkest::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::actors::runtime_batch_reply)

namespace orkest::actors {
namespace {

// What the dispatcher asks of a worker: one blocking runtime call each. run and start answer
// with the container's id only; the dispatcher inspects it, together with others.
using runtime_worker = caf::typed_actor<
    caf::replies_to<run_atom, podman::container_spec>::with<runtime_reply>,
    caf::replies_to<start_atom, std::string>::with<runtime_reply>,
    caf::replies_to<stop_atom, std::string, int64_t>::with<runtime_reply>,
    // stop with a grace period and keep the container (a failed liveness probe: it restarts)
    caf::replies_to<kill_atom, std::string, int64_t>::with<runtime_reply>,
    caf::replies_to<remove_atom, std::string>::with<runtime_reply>,
    caf::replies_to<inspect_atom, std::vector<std::string>>::with<runtime_batch_reply>,
    caf::replies_to<list_atom, podman::label_map>::with<runtime_list_reply>,
    caf::replies_to<logs_atom, std::string, podman::log_options>::with<runtime_logs_reply>,
    caf::replies_to<exec_atom, std::string, std::vector<std::string>, int64_t>::with<runtime_exec_reply>>;

runtime_reply failed(const podman::runtime_error& error, const std::string& id) {
  runtime_reply reply{error, {}};
  reply.state.id = id;
  return reply;
}

runtime_reply started(const std::string& id) {
  runtime_reply reply;
  reply.state.id = id;
  return reply;
}

runtime_worker::behavior_type worker(std::shared_ptr<container_runtime> runtime) {
  return {
      [runtime](run_atom, const podman::container_spec& spec) -> runtime_reply {
        auto ran = runtime->run(spec);
        if (auto* error = std::get_if<podman::runtime_error>(&ran)) return failed(*error, "");
        return started(std::get<std::string>(ran));
      },
      [runtime](start_atom, const std::string& id) -> runtime_reply {
        if (auto error = runtime->start(id)) return failed(*error, id);
        return started(id);
      },
      [runtime](stop_atom, const std::string& id, int64_t grace) -> runtime_reply {
        if (auto error = runtime->stop(id, std::chrono::seconds(grace))) return failed(*error, id);
        if (auto error = runtime->remove(id)) return failed(*error, id);
        return {std::nullopt, {}};
      },
      [runtime](kill_atom, const std::string& id, int64_t grace) -> runtime_reply {
        if (auto error = runtime->stop(id, std::chrono::seconds(grace))) return failed(*error, id);
        return {std::nullopt, {}};
      },
      [runtime](remove_atom, const std::string& id) -> runtime_reply {
        if (auto error = runtime->remove(id)) return failed(*error, id);
        return {std::nullopt, {}};
      },
      [runtime](inspect_atom, const std::vector<std::string>& ids) -> runtime_batch_reply {
        auto results = runtime->inspect_each(ids);
        runtime_batch_reply batch;
        for (std::size_t i = 0; i < ids.size(); ++i) {
          if (auto* error = std::get_if<podman::runtime_error>(&results[i])) batch.replies.push_back(failed(*error, ids[i]));
          else batch.replies.push_back({std::nullopt, std::get<podman::container_state>(results[i])});
        }
        return batch;
      },
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
      [runtime](exec_atom, const std::string& id, const std::vector<std::string>& argv,
                int64_t timeout_ms) -> runtime_exec_reply {
        auto result = runtime->exec(id, argv, std::chrono::milliseconds(timeout_ms));
        if (auto* error = std::get_if<podman::runtime_error>(&result)) return {*error, {}};
        return {std::nullopt, std::get<podman::exec_result>(result)};
      },
  };
}

// The worker with the fewest calls in flight, the first after `start` on a tie: a call never
// queues behind a slow one (a stop waits out its grace period) while another worker is free.
std::size_t least_loaded(const std::vector<int>& in_flight, std::size_t start) {
  std::size_t best = start % in_flight.size();
  for (std::size_t k = 1; k < in_flight.size(); ++k) {
    auto i = (start + k) % in_flight.size();
    if (in_flight[i] < in_flight[best]) best = i;
  }
  return best;
}

struct waiting_inspection {
  std::string id;
  caf::typed_response_promise<runtime_reply> promise;
};

struct worker_pool {
  std::vector<runtime_worker> workers;
  std::vector<int> in_flight;  // calls per worker
  std::size_t next = 0;
};

struct dispatcher_state {
  worker_pool lifecycle;   // everything but exec
  worker_pool exec_pool;   // exec probes
  // Inspections wait while one batch is out and then go out together: under load (a
  // ReplicaSet of 50 starting) one podman process answers for many containers.
  std::vector<waiting_inspection> waiting;
  bool inspecting = false;
  // Pod addresses orkest picks itself (podman run --ip), so a started container's state is
  // known without asking podman. None: podman's IPAM picks, and an inspection tells.
  std::optional<control::ip_allocator> pod_ips;
  std::map<std::string, std::string> address_of;  // container id -> its address in pod_ips
  static inline const char* name = "runtime";
};

using dispatcher_pointer = runtime_actor::stateful_pointer<dispatcher_state>;

// Sends one call to the least loaded worker; `on_reply` gets its answer or the error.
template <class Reply, class OnReply, class OnError, class... Ts>
void ask_worker_of(dispatcher_pointer self, worker_pool dispatcher_state::*pool, OnReply on_reply, OnError on_error,
                   Ts&&... xs) {
  auto& workers = self->state.*pool;
  auto i = least_loaded(workers.in_flight, workers.next++);
  ++workers.in_flight[i];
  self->request(workers.workers[i], caf::infinite, std::forward<Ts>(xs)...)
      .then(
          [self, pool, i, on_reply](Reply& reply) {
            --(self->state.*pool).in_flight[i];
            on_reply(reply);
          },
          [self, pool, i, on_error](caf::error& error) {
            --(self->state.*pool).in_flight[i];
            on_error(error);
          });
}

template <class Reply, class OnReply, class OnError, class... Ts>
void ask_worker(dispatcher_pointer self, OnReply on_reply, OnError on_error, Ts&&... xs) {
  ask_worker_of<Reply>(self, &dispatcher_state::lifecycle, std::move(on_reply), std::move(on_error),
                       std::forward<Ts>(xs)...);
}

// Hands the call to a worker and its answer to the caller; `observe` sees the answer first.
template <class Reply, class Observe, class... Ts>
caf::typed_response_promise<Reply> forward(dispatcher_pointer self, Observe observe, Ts&&... xs) {
  auto promise = self->template make_response_promise<Reply>();
  ask_worker<Reply>(
      self,
      [promise, observe](Reply& reply) {
        observe(reply);
        caf::typed_response_promise<Reply>{promise}.deliver(std::move(reply));
      },
      [promise](caf::error& error) { caf::typed_response_promise<Reply>{promise}.deliver(std::move(error)); },
      std::forward<Ts>(xs)...);
  return promise;
}

// Keeps pod_ips in step with what podman says: a container's address stays taken while the
// container exists (a fixed address goes with it through restarts), and is free once it is gone.
void forget_address(dispatcher_pointer self, const std::string& id) {
  auto& st = self->state;
  auto it = st.address_of.find(id);
  if (it == st.address_of.end()) return;
  if (st.pod_ips) st.pod_ips->release(it->second);
  st.address_of.erase(it);
}

void note_address(dispatcher_pointer self, const std::string& asked_id, const runtime_reply& reply) {
  auto& st = self->state;
  if (reply.error) {
    if (reply.error->reason == podman::runtime_reason::not_found) forget_address(self, asked_id);
    return;
  }
  // A container orkest did not start (an earlier orkest did): its address is taken too.
  const auto& container = reply.state;
  if (st.pod_ips && !container.ip.empty() && !st.address_of.count(container.id) && st.pod_ips->claim(container.ip))
    st.address_of[container.id] = container.ip;
}

void send_inspections(dispatcher_pointer self) {
  auto& st = self->state;
  if (st.inspecting || st.waiting.empty()) return;
  st.inspecting = true;
  auto batch = std::make_shared<std::vector<waiting_inspection>>(std::move(st.waiting));
  st.waiting.clear();
  std::vector<std::string> ids;
  for (const auto& w : *batch) ids.push_back(w.id);
  ask_worker<runtime_batch_reply>(
      self,
      [self, batch](runtime_batch_reply& reply) {
        for (std::size_t i = 0; i < batch->size(); ++i) {
          note_address(self, (*batch)[i].id, reply.replies[i]);
          (*batch)[i].promise.deliver(std::move(reply.replies[i]));
        }
        self->state.inspecting = false;
        send_inspections(self);
      },
      [self, batch](caf::error& error) {
        for (auto& w : *batch) w.promise.deliver(error);
        self->state.inspecting = false;
        send_inspections(self);
      },
      inspect_atom::value, std::move(ids));
}

void inspect_later(dispatcher_pointer self, std::string id, caf::typed_response_promise<runtime_reply> promise) {
  self->state.waiting.push_back({std::move(id), std::move(promise)});
  send_inspections(self);
}

// Tries before a run goes without a fixed address: another orkest on the same network, or
// containers from before a restart not yet seen, may hold the ones picked.
constexpr int address_attempts = 3;

// What `podman run -d` has just done, without asking podman: it returns once the container
// runs. Should it die at once, its died event follows.
podman::container_state started_state(const std::string& id, const podman::container_spec& spec) {
  podman::container_state state;
  state.id = id;
  state.name = spec.name;
  state.image = spec.image;
  state.labels = spec.labels;
  state.status = podman::container_status::running;
  state.started_at = model::now_rfc3339();
  state.ip = spec.ip;
  return state;
}

void run_container(dispatcher_pointer self, podman::container_spec spec,
                   caf::typed_response_promise<runtime_reply> promise, int attempt) {
  auto& st = self->state;
  spec.ip.clear();
  if (st.pod_ips && attempt < address_attempts) {
    if (auto ip = st.pod_ips->allocate()) spec.ip = *ip;
  }
  auto sent = spec;
  // status.podIP in the environment: the address just chosen (none when podman chooses it).
  for (const auto& name : sent.pod_ip_env) sent.env.emplace_back(name, sent.ip);
  ask_worker<runtime_reply>(
      self,
      [self, spec, promise, attempt](runtime_reply& reply) {
        auto& st = self->state;
        caf::typed_response_promise<runtime_reply> answer{promise};
        if (spec.ip.empty()) {
          if (reply.error) answer.deliver(std::move(reply));
          else inspect_later(self, reply.state.id, answer);
          return;
        }
        if (!reply.error) {
          st.address_of[reply.state.id] = spec.ip;
          answer.deliver(runtime_reply{std::nullopt, started_state(reply.state.id, spec)});
          return;
        }
        // Held by a container orkest does not know of: it stays marked taken; try the next.
        if (reply.error->reason == podman::runtime_reason::address_in_use) return run_container(self, spec, answer, attempt + 1);
        if (st.pod_ips) st.pod_ips->release(spec.ip);
        if (reply.error->reason == podman::runtime_reason::address_rejected && st.pod_ips) {
          spdlog::warn("runtime: the pod network takes no fixed addresses ({}); podman picks pod addresses from now on",
                       reply.error->message);
          st.pod_ips.reset();
          return run_container(self, spec, answer, attempt);
        }
        answer.deliver(std::move(reply));
      },
      [self, ip = spec.ip, promise](caf::error& error) {
        if (!ip.empty() && self->state.pod_ips) self->state.pod_ips->release(ip);
        caf::typed_response_promise<runtime_reply>{promise}.deliver(std::move(error));
      },
      run_atom::value, std::move(sent));
}

// Stop (and remove) or remove: once the container is gone, so is its address.
template <class... Ts>
caf::typed_response_promise<runtime_reply> remove_container(dispatcher_pointer self, std::string id, Ts&&... xs) {
  return forward<runtime_reply>(
      self, [self, id](const runtime_reply& reply) { if (!reply.error) forget_address(self, id); },
      std::forward<Ts>(xs)...);
}

// start: the call on a worker, then the container's state from the next inspection.
template <class... Ts>
caf::typed_response_promise<runtime_reply> call_then_inspect(dispatcher_pointer self, Ts&&... xs) {
  auto promise = self->make_response_promise<runtime_reply>();
  ask_worker<runtime_reply>(
      self,
      [self, promise](runtime_reply& reply) {
        caf::typed_response_promise<runtime_reply> answer{promise};
        if (reply.error) answer.deliver(std::move(reply));
        else inspect_later(self, reply.state.id, answer);
      },
      [promise](caf::error& error) { caf::typed_response_promise<runtime_reply>{promise}.deliver(std::move(error)); },
      std::forward<Ts>(xs)...);
  return promise;
}

runtime_actor::behavior_type dispatcher(dispatcher_pointer self, std::vector<runtime_worker> workers,
                                        std::vector<runtime_worker> exec_workers, std::string pod_subnet) {
  self->state.lifecycle.workers = std::move(workers);
  self->state.lifecycle.in_flight.assign(self->state.lifecycle.workers.size(), 0);
  self->state.exec_pool.workers = std::move(exec_workers);
  self->state.exec_pool.in_flight.assign(self->state.exec_pool.workers.size(), 0);
  if (!pod_subnet.empty()) {
    try {
      self->state.pod_ips.emplace(pod_subnet);
    } catch (const std::invalid_argument& error) {
      spdlog::warn("runtime: pod subnet {}: {}; podman picks pod addresses", pod_subnet, error.what());
    }
  }
  // Workers live exactly as long as the dispatcher.
  for (auto* pool : {&self->state.lifecycle, &self->state.exec_pool})
    for (auto& w : pool->workers) self->link_to(w);
  return {
      [self](run_atom, podman::container_spec& spec) {
        auto promise = self->make_response_promise<runtime_reply>();
        run_container(self, std::move(spec), promise, 0);
        return promise;
      },
      [self](start_atom a, std::string& id) { return call_then_inspect(self, a, std::move(id)); },
      [self](stop_atom a, std::string& id, int64_t grace) { return remove_container(self, id, a, id, grace); },
      [self](remove_atom a, std::string& id) { return remove_container(self, id, a, id); },
      [self](kill_atom a, std::string& id, int64_t grace) {
        return forward<runtime_reply>(self, [](const runtime_reply&) {}, a, std::move(id), grace);
      },
      [self](inspect_atom, std::string& id) {
        auto promise = self->make_response_promise<runtime_reply>();
        inspect_later(self, std::move(id), promise);
        return promise;
      },
      [self](list_atom a, podman::label_map& labels) {
        auto note_addresses = [self](const runtime_list_reply& reply) {
          for (const auto& container : reply.containers) note_address(self, container.id, {std::nullopt, container});
        };
        return forward<runtime_list_reply>(self, note_addresses, a, std::move(labels));
      },
      [self](logs_atom a, std::string& id, podman::log_options& options) {
        return forward<runtime_logs_reply>(self, [](const runtime_logs_reply&) {}, a, std::move(id), std::move(options));
      },
      [self](exec_atom a, std::string& id, std::vector<std::string>& argv, int64_t timeout_ms) {
        auto promise = self->make_response_promise<runtime_exec_reply>();
        ask_worker_of<runtime_exec_reply>(
            self, &dispatcher_state::exec_pool,
            [promise](runtime_exec_reply& reply) { caf::typed_response_promise<runtime_exec_reply>{promise}.deliver(std::move(reply)); },
            [promise](caf::error& error) { caf::typed_response_promise<runtime_exec_reply>{promise}.deliver(std::move(error)); },
            a, std::move(id), std::move(argv), timeout_ms);
        return promise;
      },
  };
}

}  // namespace

runtime_actor spawn_runtime(caf::actor_system& system, std::shared_ptr<container_runtime> runtime,
                            std::size_t workers, bool detached, const std::string& pod_subnet) {
  auto spawn_workers = [&](std::size_t count) {
    std::vector<runtime_worker> pool;
    for (std::size_t i = 0; i < std::max<std::size_t>(count, 1); ++i)
      pool.push_back(detached ? system.spawn<caf::detached>(worker, runtime) : system.spawn(worker, runtime));
    return pool;
  };
  return system.spawn(dispatcher, spawn_workers(workers), spawn_workers(exec_probe_workers), pod_subnet);
}

}  // namespace orkest::actors
