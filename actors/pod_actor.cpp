#include "actors/pod_actor.hpp"

#include <unistd.h>

#include <algorithm>
#include <memory>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "control/container_spec_for_pod.hpp"
#include "control/pod_facts.hpp"
#include "control/pod_lifecycle.hpp"
#include "actors/network_probe_feed.hpp"
#include "actors/retry_queue.hpp"
#include "control/pod_probes.hpp"
#include "control/pod_volumes.hpp"
#include "control/pod_status.hpp"
#include "control/restart_policy.hpp"
#include "model/container_resources.hpp"
#include "model/json_access.hpp"
#include "model/timestamp.hpp"

namespace orkest::actors {

namespace {

constexpr auto store_timeout = std::chrono::seconds(10);

struct pod_state {
  store_actor store;
  runtime_actor runtime;
  pod_actor_settings settings;
  json pod;
  object_key key;

  bool busy = false;          // a runtime call is in flight; inputs meanwhile only mark `dirty`
  bool dirty = false;
  // A container of this pod's name exists (orkest restarted, or a create raced a crash): look
  // for it before anything is created. Known only when a run is refused for the name, so a new
  // pod costs no extra podman call; looked for once, as the name may belong to a stranger.
  bool adopt_first = false;
  bool adoption_tried = false;
  bool deleted = false;           // the object is gone from the store
  bool needs_inspect = false;     // an event or a resync says the container may have changed
  control::restart_stage restart = control::restart_stage::none;
  bool creation_failed = false;   // the last attempt to create the container failed
  bool drained = false;           // deleted: the Services have had their moment to let it go
  bool volumes_set_up = false;    // the pod's folder may exist: torn down when the pod goes
  bool volume_refresh_in_flight = false;
  std::string volume_versions;    // the versions of the objects the volumes were last written from
  std::string message_read_for;   // the exit (id + finishedAt) whose termination message was read
  std::vector<std::string> leftovers;  // containers found at adoption that must go before a create
  std::string handled_exit;       // the exit (id + finishedAt) already decided on
  std::string stopped_run;        // the run (id + startedAt) orkest itself stopped: its SIGKILL was ours
  std::optional<podman::container_state> container;
  int crashes_in_a_row = 0;
  control::pod_observation observed;
  json written_status;
  retry_queue retries;  // the status write ("status"), after a failure
  // The container's probes; `probed_run` is the run (id and start) they are probing.
  control::pod_probes probes{{}};
  std::string probed_run;
  std::vector<bool> probe_in_flight;                 // exec probes
  std::unique_ptr<network_probe_feed> network_probes;  // HTTP and TCP probes, on the prober's schedule
  static inline const char* name = "pod";
};

using pod_pointer = pod_actor::stateful_pointer<pod_state>;

void reconcile(pod_pointer self);

bool is_start_up(const std::string& action) { return action == "create" || action == "init" || action == "start"; }

std::string describe(const pod_pointer& self) { return self->state.key.ns + "/" + self->state.key.name; }

// One run of a container: a restart starts another.
std::string run_of(const podman::container_state& container) { return container.id + "@" + container.started_at; }

std::string container_name(const pod_pointer& self) {
  return model::value_at(self->state.pod, "/spec/containers/0/name"_json_pointer, std::string{});
}
std::string image_of(const pod_pointer& self) {
  return model::value_at(self->state.pod, "/spec/containers/0/image"_json_pointer, std::string{});
}

// An Event about the pod's container (or, with `whole_pod`, the pod), worded as the kubelet
// words it.
void record(pod_pointer self, const char* type, const char* reason, std::string message, bool whole_pod = false) {
  auto& st = self->state;
  auto field_path = whole_pod ? std::string{} : "spec.containers{" + container_name(self) + "}";
  record_event(st.settings.events, {control::reference_to(st.pod, field_path), type, reason, std::move(message),
                                    "kubelet", st.settings.node_name});
}

constexpr const char* status_write = "status";  // the retry queue's one key

// Forgets what was written, so the next write_status writes, and schedules that write after a
// back-off (100 ms doubling to 5 s) rather than leaving it to the next change or resync.
void status_not_written(pod_pointer self) {
  self->state.written_status = nullptr;
  self->state.retries.retry(self, status_write);
}

void write_status(pod_pointer self) {
  auto& st = self->state;
  if (st.deleted || control::is_terminating(st.pod)) return;
  auto status = control::pod_status(st.pod, st.observed);
  if (status == st.written_status) return;
  st.written_status = status;
  // The uid guards against writing into a new pod that reuses this one's name.
  json body = {{"metadata", {{"uid", control::uid_of(st.pod)}}}, {"status", status}};
  self->request(st.store, store_timeout, status_atom::value, st.key, std::move(body))
      .then(
          [self](const store_result& result) {
            if (result.ok()) return self->state.retries.succeeded(status_write);
            spdlog::warn("pod {}: status not written: {}", describe(self), result.error->message);
            // 404 and 409: the pod is gone, or is another pod of the same name; its deletion
            // reaches this actor next. Anything else is written again after a back-off.
            if (result.error->code == 404 || result.error->code == 409) {
              self->state.written_status = nullptr;
              return;
            }
            status_not_written(self);
          },
          [self](const caf::error& error) {
            // The store did not answer (an agent whose server is away): again after a back-off.
            spdlog::warn("pod {}: status not written: {}", describe(self), caf::to_string(error));
            status_not_written(self);
          });
}

// Runs one runtime request with the actor marked busy; `then` sees the reply, after which the
// actor reconciles again.
template <class Reply, class... Ts>
void runtime_call(pod_pointer self, std::function<void(const Reply&)> then, Ts&&... xs) {
  self->state.busy = true;
  self->request(self->state.runtime, self->state.settings.runtime_timeout, std::forward<Ts>(xs)...)
      .then(
          [self, then](const Reply& reply) {
            self->state.busy = false;
            then(reply);
            reconcile(self);
          },
          [self](const caf::error& error) {
            self->state.busy = false;
            spdlog::warn("pod {}: runtime request failed: {}", describe(self), caf::to_string(error));
            self->state.needs_inspect = true;
            self->delayed_send(self, std::chrono::seconds(1), resync_atom::value);
          });
}

// ---- probes ----

void schedule_probe(pod_pointer self, std::size_t i, std::chrono::seconds delay) {
  if (delay.count() == 0) return self->send(self, probe_atom::value, i, self->state.probes.run());
  self->delayed_send(self, delay, probe_atom::value, i, self->state.probes.run());
}

bool is_exec(const control::probe_spec& spec) { return spec.handler == control::probe_handler::exec; }

// Probe i begins for the current run, unless a startup probe still holds it off: an exec probe
// on this actor's timers, a network probe on the prober's schedule.
void begin_probe(pod_pointer self, std::size_t i) {
  auto& st = self->state;
  if (!st.probes.due(i)) return;
  const auto& spec = st.probes.spec(i);
  if (is_exec(spec)) return schedule_probe(self, i, spec.initial_delay);
  if (!st.network_probes || st.container->ip.empty()) {
    self->send(self, probed_atom::value, i, st.probes.run(), false,
               std::string(st.network_probes ? "the pod has no IP address" : "no prober"));
    return;
  }
  st.network_probes->start(i, st.probes.run(), spec, st.container->ip);
}

void stop_probes(pod_pointer self) {
  auto& st = self->state;
  st.probes.end_run();  // exec timers of this run end at their next tick
  if (st.network_probes) st.network_probes->stop_all();
}

// A new run of the container (created, restarted, or adopted): its probes start afresh, each
// after its initialDelaySeconds.
void start_probes(pod_pointer self, const podman::container_state& container) {
  auto& st = self->state;
  const auto run = container.id + "@" + container.started_at;
  if (run == st.probed_run) return;
  st.probed_run = run;
  if (st.network_probes) st.network_probes->stop_all();
  st.probes.start_run();
  st.probe_in_flight.assign(st.probes.size(), false);
  st.observed.ready = st.probes.ready();
  st.observed.started = st.probes.started();
  st.observed.ready_since.clear();
  for (std::size_t i = 0; i < st.probes.size(); ++i) begin_probe(self, i);
}

// One exec probe, through the runtime's exec workers.
void make_exec_probe(pod_pointer self, std::size_t i) {
  auto& st = self->state;
  const auto& spec = st.probes.spec(i);
  const auto run = st.probes.run();
  st.probe_in_flight[i] = true;
  const auto timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(spec.timeout).count();
  self->request(st.runtime, spec.timeout + std::chrono::seconds(5), exec_atom::value, st.container->id, spec.command,
                int64_t{timeout_ms})
      .then(
          [self, i, run](const runtime_exec_reply& reply) {
            if (reply.error) {
              auto output = reply.error->reason == podman::runtime_reason::timed_out ? "command timed out" : reply.error->message;
              return self->send(self, probed_atom::value, i, run, false, std::string(output));
            }
            self->send(self, probed_atom::value, i, run, reply.result.exit_code == 0, reply.result.output);
          },
          [self, i, run](const caf::error& error) {
            self->send(self, probed_atom::value, i, run, false, caf::to_string(error));
          });
}

void observe_container(pod_pointer self, const podman::container_state& container) {
  auto& st = self->state;
  spdlog::debug("pod {}: container {} is {} (exit code {}, finished {})", describe(self), container.id.substr(0, 12),
                podman::to_string(container.status), container.exit_code, container.finished_at);
  st.container = container;
  if (container.status == podman::container_status::exited) {
    const bool memory_limited =
        model::resources_of(model::value_at(st.pod, "/spec/containers/0"_json_pointer, json::object())).memory_limit.has_value();
    if (control::oom_kill_inferred(container, memory_limited, st.stopped_run == run_of(container)))
      st.container->oom_killed = true;
  }
  st.observed.container = *st.container;
  if (container.status == podman::container_status::running) {
    start_probes(self, container);
    st.handled_exit.clear();  // see the restart in restart_container
    st.observed.phase = control::container_phase::running;
    st.observed.reason.clear();
    st.observed.message.clear();
    st.observed.restarting = false;
  } else if (container.status == podman::container_status::exited) {
    st.observed.phase = control::container_phase::terminated;
  }
}

void finish(pod_pointer self) {
  auto& st = self->state;
  // The container is gone: so go the pod's own volumes (a hostPath stays, as it belongs to the host).
  if (st.volumes_set_up && st.settings.volumes)
    caf::anon_send(st.settings.volumes, teardown_atom::value, control::pod_dir_for(st.settings.pods_dir, st.pod));
  if (st.deleted) return self->quit();
  delete_options force;
  force.grace_period_seconds = 0;
  force.precondition_uid = control::uid_of(st.pod);
  st.busy = true;
  self->request(st.store, store_timeout, delete_atom::value, st.key, force)
      .then([self](const store_result&) { self->quit(); }, [self](const caf::error&) { self->quit(); });
}

void terminate(pod_pointer self) {
  auto& st = self->state;
  stop_probes(self);
  if (!st.container) return finish(self);
  auto grace = model::value_at(st.pod, "/metadata/deletionGracePeriodSeconds"_json_pointer, int64_t{30});
  if (st.deleted) grace = 0;
  const bool running = st.container->status == podman::container_status::running;
  if (running && grace > 0 && !st.drained && st.settings.endpoint_drain.count() > 0) {
    st.busy = true;  // inputs meanwhile wait for the drain (reconcile marks them dirty)
    self->delayed_send(self, std::min<std::chrono::milliseconds>(st.settings.endpoint_drain, std::chrono::seconds(grace)),
                       drained_atom::value);
    return;
  }
  if (running) record(self, "Normal", "Killing", "Stopping container " + container_name(self));
  runtime_call<runtime_reply>(self, [self](const runtime_reply&) { self->state.container.reset(); }, stop_atom::value,
               st.container->id, grace);
}

// A container an earlier orkest left for this pod is taken over if it runs (or ran) the pod's
// image; one that was never started may be half set up and is replaced.
bool is_adoptable(const podman::container_state& container, const std::string& image) {
  return container.status != podman::container_status::created && container.image.find(image) != std::string::npos;
}

void adopt(pod_pointer self) {
  auto& st = self->state;
  // By namespace and name, not uid: a pod that comes back from a changed bootstrap manifest, or
  // from an orkest that kept no database (storage.backend: memory), has a new uid but the same
  // name.
  podman::label_map mine = {{podman::label_namespace, st.key.ns},
                            {podman::label_pod_name, st.key.name},
                            {podman::label_node, model::value_at(st.pod, "/spec/nodeName"_json_pointer, std::string{})}};
  runtime_call<runtime_list_reply>(self,
               [self](const runtime_list_reply& reply) {
                 auto& st = self->state;
                 st.adopt_first = false;
                 if (reply.error) return;
                 auto image = model::value_at(st.pod, "/spec/containers/0/image"_json_pointer, std::string{});
                 for (const auto& container : reply.containers) {
                   if (!st.container && is_adoptable(container, image)) {
                     spdlog::info("pod {}: adopting container {}", describe(self), container.id);
                     observe_container(self, container);
                     continue;
                   }
                   // Another image, a second container, or one created but never started (orkest
                   // died between create and start): removed before anything is created, as a new
                   // container takes the same name.
                   spdlog::info("pod {}: removing left-over container {}", describe(self), container.id);
                   st.leftovers.push_back(container.id);
                 }
               },
               list_atom::value, mine);
}

void schedule_retry(pod_pointer self, std::chrono::seconds delay) {
  self->state.restart = control::restart_stage::backing_off;
  self->delayed_send(self, delay, restart_atom::value);
}

void run_container(pod_pointer self, const control::container_environment& environment,
                   const std::vector<podman::container_mount>& mounts);
void with_environment(pod_pointer self, const control::config_objects& objects);

// What the environment reads of this machine: its address, and its allocatable cpu and memory
// (what limits.cpu and limits.memory read as without a limit).
control::node_facts node_facts_of(const pod_actor_settings& settings) {
  control::node_facts node;
  node.host_ip = settings.host_ip;
  node.cpu_millis = static_cast<long long>(std::max(1u, std::thread::hardware_concurrency())) * 1000;
  node.memory_bytes = static_cast<long long>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGE_SIZE);
  return node;
}

// The container's environment first: the ConfigMaps and Secrets it names are read from the
// store (as the kubelet reads them when it starts a container), then the container is run.
// Reads the objects of one kind named (in the pod's namespace, or cluster-wide for
// PersistentVolumes) into `into`; `then` runs once all have answered.
void read_objects(pod_pointer self, const char* kind, const std::set<std::string>& names,
                  std::map<std::string, json>& into, std::function<void()> then) {
  if (names.empty()) return then();
  auto& st = self->state;
  auto unanswered = std::make_shared<std::size_t>(names.size());
  const std::string ns = std::string(kind) == "PersistentVolume" ? std::string{} : st.key.ns;
  for (const auto& name : names)
    self->request(st.store, store_timeout, get_atom::value, object_key{kind, ns, name})
        .then(
            [&into, name, unanswered, then](const store_result& result) {
              if (result.ok()) into[name] = result.object;
              if (--*unanswered == 0) then();
            },
            [unanswered, then](const caf::error&) {
              if (--*unanswered == 0) then();
            });
}

// Reads the ConfigMaps, Secrets and claims named (as the kubelet reads them when it starts a
// container, and to keep volumes current), then the volumes those claims are bound to; `then`
// gets what was found.
void read_config(pod_pointer self, const control::config_references& references,
                 std::function<void(const control::config_objects&)> then) {
  auto objects = std::make_shared<control::config_objects>();
  auto volumes = [self, objects, then] {
    read_objects(self, "PersistentVolume", control::bound_volumes_of(*objects), objects->volumes,
                 [objects, then] { then(*objects); });
  };
  auto claims = [self, objects, references, volumes] {
    read_objects(self, "PersistentVolumeClaim", references.claims, objects->claims, volumes);
  };
  auto secrets = [self, objects, references, claims] {
    read_objects(self, "Secret", references.secrets, objects->secrets, claims);
  };
  read_objects(self, "ConfigMap", references.config_maps, objects->config_maps, secrets);
}

// The container's environment and volumes first, then the container is run.
void create_container(pod_pointer self) {
  auto& st = self->state;
  const auto references = control::config_references_of(st.pod);
  if (references.empty()) return with_environment(self, {});
  st.busy = true;
  read_config(self, references, [self](const control::config_objects& objects) {
    self->state.busy = false;
    with_environment(self, objects);
  });
}

// Kubernetes' words for a pod whose volumes cannot be set up: it stays ContainerCreating, with
// a FailedMount event, and is tried again.
void failed_mount(pod_pointer self, const std::string& volume, const std::string& error, bool retry_soon = false) {
  auto& st = self->state;
  const auto message = control::failed_mount_message(volume, error);
  // A claim about to be bound (WaitForFirstConsumer provisions when the pod appears) is no alarm.
  spdlog::log(retry_soon ? spdlog::level::info : spdlog::level::warn, "pod {}: {}", describe(self), message);
  record(self, "Warning", "FailedMount", message, true);
  st.observed.phase = control::container_phase::waiting;
  st.observed.reason = "ContainerCreating";
  st.observed.message.clear();
  write_status(self);
  // A claim being bound or provisioned is moments away: looked at again soon, not backed off.
  if (retry_soon) return schedule_retry(self, std::chrono::seconds(1));
  ++st.crashes_in_a_row;
  schedule_retry(self, std::max(control::restart_delay(st.crashes_in_a_row + 1), std::chrono::seconds(10)));
}

// The pod's volumes set up (or found set up), then its container run.
void with_volumes(pod_pointer self, const control::container_environment& environment,
                  const control::config_objects& objects) {
  auto& st = self->state;
  auto volumes = control::pod_volumes_for(st.pod, objects, st.settings.pods_dir);
  if (!volumes.error.empty())
    return failed_mount(self, volumes.failed_volume, volumes.error, volumes.waiting_for_claim);
  if (volumes.plan.volumes.empty() && volumes.plan.termination_log.empty()) return run_container(self, environment, {});
  if (!st.settings.volumes || st.settings.pods_dir.empty())
    return failed_mount(self, volumes.plan.volumes.front().name, "this node keeps no pod volumes");
  st.busy = true;
  st.volumes_set_up = true;
  auto versions = control::versions_of(objects, control::volume_config_references_of(st.pod));
  self->request(st.settings.volumes, st.settings.runtime_timeout, setup_atom::value, volumes.plan)
      .then(
          [self, environment, mounts = volumes.mounts, versions](const volumes::set_up_result& result) {
            auto& st = self->state;
            st.busy = false;
            if (st.deleted || control::is_terminating(st.pod)) return reconcile(self);
            if (!result.error.empty()) return failed_mount(self, result.volume, result.error);
            st.volume_versions = versions;
            run_container(self, environment, mounts);
          },
          [self](const caf::error& error) {
            self->state.busy = false;
            failed_mount(self, "", caf::to_string(error));
          });
}

// A running pod's configMap and secret volumes follow their objects, as the kubelet's periodic
// sync makes them (within a resync period here).
void refresh_volumes(pod_pointer self) {
  auto& st = self->state;
  if (!st.volumes_set_up || st.volume_refresh_in_flight || !st.settings.volumes || !st.container) return;
  if (st.deleted || control::is_terminating(st.pod)) return;
  const auto references = control::volume_config_references_of(st.pod);
  if (references.empty()) return;
  st.volume_refresh_in_flight = true;
  read_config(self, references, [self, references](const control::config_objects& objects) {
    auto& st = self->state;
    // Nothing changed since the files were written: no file is read or written.
    auto versions = control::versions_of(objects, references);
    auto volumes = control::pod_volumes_for(st.pod, objects, st.settings.pods_dir);
    // An object deleted meanwhile: the kubelet keeps the last files it wrote, and so does orkest.
    if (versions == st.volume_versions || !volumes.error.empty() || st.deleted) {
      st.volume_refresh_in_flight = false;
      return;
    }
    self->request(st.settings.volumes, st.settings.runtime_timeout, setup_atom::value, volumes.plan)
        .then(
            [self, versions](const volumes::set_up_result& result) {
              self->state.volume_refresh_in_flight = false;
              if (result.error.empty()) self->state.volume_versions = versions;
              if (!result.error.empty())
                spdlog::warn("pod {}: volume {} not updated: {}", describe(self), result.volume, result.error);
              else if (result.payload_changed)
                spdlog::info("pod {}: configMap or secret volume updated", describe(self));
            },
            [self](const caf::error&) { self->state.volume_refresh_in_flight = false; });
  });
}

void with_environment(pod_pointer self, const control::config_objects& objects) {
  auto& st = self->state;
  if (st.deleted || control::is_terminating(st.pod)) return reconcile(self);  // deleted while reading
  auto environment = control::environment_for(st.pod, objects, node_facts_of(st.settings));
  if (!environment.error.empty()) {
    // As the kubelet: the container waits in CreateContainerConfigError and is tried again.
    spdlog::warn("pod {}: CreateContainerConfigError: {}", describe(self), environment.error);
    record(self, "Warning", "Failed", "Error: " + environment.error);
    st.creation_failed = true;
    st.observed.phase = control::container_phase::waiting;
    st.observed.reason = "CreateContainerConfigError";
    st.observed.message = environment.error;
    write_status(self);
    ++st.crashes_in_a_row;
    return schedule_retry(self, std::max(control::restart_delay(st.crashes_in_a_row + 1), std::chrono::seconds(10)));
  }
  with_volumes(self, environment, objects);
}

void run_container(pod_pointer self, const control::container_environment& environment,
                   const std::vector<podman::container_mount>& mounts) {
  auto& st = self->state;
  // A retry keeps showing why the last attempt failed (ErrImagePull, ...) until its own outcome
  // is known, as the kubelet does: a status flickering back to ContainerCreating on every retry
  // would hide the reason from `kubectl get pods`.
  const auto pull_policy = model::value_at(st.pod, "/spec/containers/0/imagePullPolicy"_json_pointer, std::string{});
  if (pull_policy == "Always") record(self, "Normal", "Pulling", "Pulling image \"" + image_of(self) + "\"");
  if (!st.creation_failed) {
    st.observed.phase = control::container_phase::waiting;
    st.observed.reason = "ContainerCreating";
    st.observed.message.clear();
    write_status(self);
  }
  runtime_call<runtime_reply>(self,
               [self](const runtime_reply& reply) {
                 auto& st = self->state;
                 st.creation_failed = static_cast<bool>(reply.error);
                 const auto policy = model::value_at(st.pod, "/spec/containers/0/imagePullPolicy"_json_pointer, std::string{});
                 if (!reply.error) {
                   record(self, "Normal", "Pulled",
                          policy == "Always" ? "Successfully pulled image \"" + image_of(self) + "\""
                                             : "Container image \"" + image_of(self) + "\" already present on machine");
                   record(self, "Normal", "Created", "Created container " + container_name(self));
                   record(self, "Normal", "Started", "Started container " + container_name(self));
                   return observe_container(self, reply.state);
                 }
                 if (reply.error->reason == podman::runtime_reason::name_in_use && !st.adoption_tried) {
                   st.adoption_tried = true;
                   st.adopt_first = true;  // the reconcile after this reply adopts
                   return;
                 }
                 spdlog::warn("pod {}: {}: {}", describe(self), podman::reason_text(reply.error->reason), reply.error->message);
                 if (reply.error->reason == podman::runtime_reason::image_pull)
                   record(self, "Warning", "Failed",
                          "Failed to pull image \"" + image_of(self) + "\": " + reply.error->message);
                 else if (reply.error->reason == podman::runtime_reason::image_never_pull)
                   record(self, "Warning", "ErrImageNeverPull",
                          "Container image \"" + image_of(self) + "\" is not present with pull policy of Never");
                 record(self, "Warning", "Failed", std::string("Error: ") + podman::reason_text(reply.error->reason));
                 if (!reply.state.id.empty())  // created but not started: start afresh next time
                   self->request(st.runtime, st.settings.runtime_timeout, remove_atom::value, reply.state.id)
                       .then([](const runtime_reply&) {}, [](const caf::error&) {});
                 st.observed.phase = control::container_phase::waiting;
                 st.observed.reason = podman::reason_text(reply.error->reason);
                 st.observed.message = reply.error->message;
                 write_status(self);  // the reason (ErrImageNeverPull, ...) is what the user needs to see
                 if (reply.error->reason == podman::runtime_reason::image_pull)
                   self->delayed_send(self, control::image_pull_backoff_shown_after, backoff_atom::value);
                 ++st.crashes_in_a_row;
                 schedule_retry(self, std::max(control::restart_delay(st.crashes_in_a_row + 1), std::chrono::seconds(10)));
               },
               run_atom::value, [&] {
                 auto spec = control::container_spec_for(st.pod, environment, st.settings.network,
                                                         st.settings.dns_server, st.settings.cluster_domain);
                 spec.mounts = mounts;
                 return spec;
               }());
}

std::string exit_of(const podman::container_state& container) { return container.id + "@" + container.finished_at; }

// What the ended container wrote to its terminationMessagePath, as the kubelet reads it; with
// FallbackToLogsOnError, the tail of its log when it wrote nothing and failed.
void read_termination_message(pod_pointer self) {
  auto& st = self->state;
  st.busy = true;
  const auto exit = exit_of(*st.container);
  auto done = [self, exit](std::string message) {
    auto& st = self->state;
    st.busy = false;
    st.message_read_for = exit;
    st.observed.termination_message = std::move(message);
    reconcile(self);
  };
  self->request(st.settings.volumes, st.settings.runtime_timeout, message_atom::value,
                control::termination_log_for(st.settings.pods_dir, st.pod))
      .then(
          [self, done](const std::string& message) {
            auto& st = self->state;
            const bool fallback =
                model::value_at(st.pod, "/spec/containers/0/terminationMessagePolicy"_json_pointer, std::string{}) ==
                "FallbackToLogsOnError";
            if (!message.empty() || !fallback || !st.container || st.container->exit_code == 0) return done(message);
            podman::log_options tail;
            tail.tail_lines = 80;  // the kubelet's: the last 80 lines, at most 2048 bytes
            self->request(st.runtime, st.settings.runtime_timeout, logs_atom::value, st.container->id, tail)
                .then(
                    [done](const runtime_logs_reply& reply) {
                      constexpr std::size_t max_bytes = 2048;
                      const std::string& text = reply.text;
                      done(reply.error ? std::string{} : text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text);
                    },
                    [done](const caf::error&) { done({}); });
          },
          [done](const caf::error&) { done({}); });
}

// The exited container runs again (its restart is due).
void restart_container(pod_pointer self) {
  auto& st = self->state;
  const auto& container = *st.container;
  st.restart = control::restart_stage::none;
  auto previous = container;
  runtime_call<runtime_reply>(self,
               [self, previous](const runtime_reply& reply) {
                 auto& st = self->state;
                 if (reply.error) {
                   // Could not start it again: make a fresh container instead.
                   self->request(st.runtime, st.settings.runtime_timeout, remove_atom::value, previous.id)
                       .then([](const runtime_reply&) {}, [](const caf::error&) {});
                   st.container.reset();
                   return;
                 }
                 ++st.observed.restart_count;
                 st.observed.last_terminated = previous;
                 st.observed.last_termination_message = std::move(st.observed.termination_message);
                 st.observed.termination_message.clear();
                 record(self, "Normal", "Started", "Started container " + container_name(self));
                 // Started again: its next exit is a new one, even if it came so fast that the
                 // runtime's timestamps (whole seconds) make it look like the last.
                 st.handled_exit.clear();
                 observe_container(self, reply.state);
               },
               start_atom::value, container.id);
}

// The container has exited: restart it now, later (CrashLoopBackOff), or never.
void decide_on_exit(pod_pointer self) {
  auto& st = self->state;
  const auto& container = *st.container;
  st.handled_exit = exit_of(container);
  auto policy = model::value_at(st.pod, "/spec/restartPolicy"_json_pointer, std::string{"Always"});
  if (!control::should_restart(policy, container.exit_code)) {
    st.observed.restarting = false;
    st.observed.phase = control::container_phase::terminated;
    return write_status(self);
  }
  ++st.crashes_in_a_row;
  auto delay = control::restart_delay(st.crashes_in_a_row);
  st.observed.restarting = true;
  if (delay.count() == 0) {
    // Published before the restart: the pod is not ready until its container runs again, so
    // Services stop sending connections to it meanwhile.
    write_status(self);
    st.restart = control::restart_stage::due;
    return reconcile(self);
  }
  st.observed.phase = control::container_phase::waiting;
  st.observed.reason = "CrashLoopBackOff";
  st.observed.message = "back-off " + std::to_string(delay.count()) + "s restarting failed container=" +
                        model::value_at(st.pod, "/spec/containers/0/name"_json_pointer, std::string{}) + " pod=" +
                        st.key.name + "_" + st.key.ns + "(" + control::uid_of(st.pod) + ")";
  st.observed.last_terminated = container;
  st.observed.last_termination_message = st.observed.termination_message;
  write_status(self);
  record(self, "Warning", "BackOff",
         "Back-off restarting failed container " + container_name(self) + " in pod " + st.key.name + "_" + st.key.ns +
             "(" + control::uid_of(st.pod) + ")");
  schedule_retry(self, delay);
}

// The container may have changed: the runtime says how it is now.
void inspect_container(pod_pointer self) {
  auto& st = self->state;
  st.needs_inspect = false;
  // A running container's status goes out before the runtime is asked again; an exited one
  // waits for decide_on_exit (a restart is not a failure).
  if (st.container->status == podman::container_status::running) write_status(self);
  runtime_call<runtime_reply>(self,
                              [self](const runtime_reply& reply) {
                                auto& st = self->state;
                                if (!reply.error) return observe_container(self, reply.state);
                                if (reply.error->reason != podman::runtime_reason::not_found) return;
                                // Removed behind orkest's back: a new container replaces it.
                                spdlog::info("pod {}: container {} disappeared, recreating", describe(self),
                                             st.container->id);
                                // Seen exited just before it went (`podman rm -f` reports a death):
                                // the restart policy decides on that exit, as if it had been handled.
                                if (st.container->status == podman::container_status::exited)
                                  st.observed.restarting = control::should_restart(
                                      model::value_at(st.pod, "/spec/restartPolicy"_json_pointer, std::string{"Always"}),
                                      st.container->exit_code);
                                st.container.reset();
                                ++st.observed.restart_count;
                              },
                              inspect_atom::value, st.container->id);
}

control::pod_lifecycle_facts lifecycle_facts(const pod_state& st) {
  control::pod_lifecycle_facts facts;
  facts.adoption_due = st.adopt_first;
  facts.leaving = st.deleted || control::is_terminating(st.pod);
  facts.leftovers = !st.leftovers.empty();
  facts.inspection_due = st.needs_inspect;
  if (st.container) facts.container = st.container->status;
  facts.restart = st.restart;
  facts.ended_for_good = st.observed.phase == control::container_phase::terminated && !st.observed.restarting;
  if (st.container && st.container->status == podman::container_status::exited) {
    facts.termination_message_unread =
        st.volumes_set_up && st.settings.volumes && st.message_read_for != exit_of(*st.container);
    facts.exit_decided = st.handled_exit == exit_of(*st.container);
  }
  return facts;
}

// One step of the pod's lifecycle (control/pod_lifecycle): the next action, unless a runtime
// call is in flight, whose reply reconciles again.
void reconcile(pod_pointer self) {
  auto& st = self->state;
  if (st.busy) {
    st.dirty = true;
    return;
  }
  st.dirty = false;
  if (!st.container) st.needs_inspect = false;  // nothing to look at: a create looks for itself
  const auto step = control::next_pod_step(lifecycle_facts(st));
  spdlog::trace("pod {}: {} -> {}", describe(self), control::to_string(step.state), control::to_string(step.action));
  switch (step.action) {
    case control::pod_action::wait:
      return;
    case control::pod_action::adopt:
      return adopt(self);
    case control::pod_action::stop:
      return terminate(self);
    case control::pod_action::remove_leftover: {
      auto id = std::move(st.leftovers.back());
      st.leftovers.pop_back();
      return runtime_call<runtime_reply>(self, [](const runtime_reply&) {}, remove_atom::value, std::move(id));
    }
    case control::pod_action::inspect:
      return inspect_container(self);
    case control::pod_action::create:
      st.restart = control::restart_stage::none;  // a restart due for a container now gone: a create instead
      return create_container(self);
    case control::pod_action::read_termination_message:
      return read_termination_message(self);
    case control::pod_action::restart:
      return restart_container(self);
    case control::pod_action::decide_on_exit:
      return decide_on_exit(self);
    case control::pod_action::publish_status:
      // A container that ran long enough forgives earlier crashes.
      if (st.container->status == podman::container_status::running) st.observed.restarting = false;
      return write_status(self);
  }
}

pod_actor::behavior_type pod_behavior(pod_pointer self, store_actor store, runtime_actor runtime,
                                      pod_actor_settings settings, json pod) {
  auto& st = self->state;
  st.store = std::move(store);
  st.runtime = std::move(runtime);
  st.settings = std::move(settings);
  st.key = {"Pod", control::namespace_of(pod), control::name_of(pod)};
  st.probes = control::pod_probes(control::probes_of(model::value_at(pod, "/spec/containers/0"_json_pointer, json::object())));
  if (st.settings.prober)
    st.network_probes = std::make_unique<network_probe_feed>(
        st.settings.prober, [handle = caf::actor_cast<pod_actor>(self)](std::size_t i, uint64_t run, bool success,
                                                                       const std::string& output) {
          caf::anon_send(handle, probed_atom::value, i, run, success, output);
        });
  st.observed.host_ip = st.settings.host_ip;
  st.observed.start_time = model::value_at(pod, "/status/startTime"_json_pointer, model::rfc3339(st.settings.clock()));
  st.observed.restart_count = model::value_at(pod, "/status/containerStatuses/0/restartCount"_json_pointer, 0);
  // A pod that had a container before this actor (orkest restarted over its database) looks for
  // it before creating one: its container normally still runs and is adopted, no `podman run`.
  st.adopt_first = !model::value_at(pod, "/status/containerStatuses/0/containerID"_json_pointer, std::string{}).empty();
  st.pod = std::move(pod);
  reconcile(self);
  return {
      [self](const change_event& event) {
        auto& st = self->state;
        if (event.type == change_type::deleted) {
          st.deleted = true;
          return reconcile(self);
        }
        st.pod = event.object;
        // The status is what this actor observed, and only it writes it: anyone else's change is
        // undone (a client that set podIP to 127.0.0.1 had Services forward to the host).
        const bool overwritten = !st.written_status.is_null() &&
                                 model::value_at(st.pod, "/status"_json_pointer, json()) != st.written_status;
        if (overwritten) st.written_status = nullptr;
        reconcile(self);
        if (overwritten) write_status(self);
      },
      [self](const podman::container_event& event) {
        // A container coming up while orkest's own run or start is in flight: that call's reply
        // carries the state after it; or the report of a start whose reply came first. Anything
        // else (a death, a removal, a start by someone else) needs a fresh look.
        const auto& st = self->state;
        bool known_running = st.container && st.container->id == event.id &&
                             st.container->status == podman::container_status::running;
        if (is_start_up(event.action) && (st.busy || known_running)) return;
        self->state.needs_inspect = true;
        reconcile(self);
      },
      [self](resync_atom) {
        self->state.needs_inspect = true;
        reconcile(self);
        refresh_volumes(self);
      },
      [self](resync_atom, const podman::container_state& listed) {
        refresh_volumes(self);
        // The supervisor lists every container in one runtime call; when the listing shows what
        // this actor already knows, it stands in for an inspect of its own. Anything else, or a
        // listing taken while a call of ours was in flight, gets a fresh look.
        auto& st = self->state;
        if (st.busy || !st.container || !podman::same_run(*st.container, listed)) {
          st.needs_inspect = true;
          return reconcile(self);
        }
        // Nothing changed and its status is in the store: nothing to do (with a thousand pods,
        // recomputing every status each period costs more than all the rest).
        if (!st.written_status.is_null()) return;
        reconcile(self);
      },
      [self](resync_atom, const std::string& key) {
        self->state.retries.arrived(key);
        write_status(self);
      },
      [self](backoff_atom) {
        auto& st = self->state;
        if (st.container || st.restart != control::restart_stage::backing_off || st.observed.reason != podman::reason_text(podman::runtime_reason::image_pull)) return;
        st.observed.reason = "ImagePullBackOff";
        record(self, "Normal", "BackOff", "Back-off pulling image \"" + image_of(self) + "\"");
        record(self, "Warning", "Failed", "Error: ImagePullBackOff");
        st.observed.message =
            "Back-off pulling image \"" + model::value_at(st.pod, "/spec/containers/0/image"_json_pointer, std::string{}) + "\"";
        write_status(self);
      },
      [self](probe_atom, std::size_t i, uint64_t run) {
        auto& st = self->state;
        // A timer of an earlier run, or a pod on its way out: this probe's loop ends here.
        if (run != st.probes.run() || i >= st.probes.size() || st.deleted || control::is_terminating(st.pod)) return;
        if (!st.container || st.container->status != podman::container_status::running) return;
        schedule_probe(self, i, st.probes.spec(i).period);
        // No longer (a startup probe that succeeded), or the last one still out: skipped.
        if (!st.probes.due(i) || st.probe_in_flight[i]) return;
        make_exec_probe(self, i);
      },
      [self](probed_atom, std::size_t i, uint64_t run, bool success, const std::string& output) {
        auto& st = self->state;
        if (run != st.probes.run() || i >= st.probes.size() || st.deleted || control::is_terminating(st.pod)) return;
        st.probe_in_flight[i] = false;
        const auto& spec = st.probes.spec(i);
        const auto container_name = model::value_at(st.pod, "/spec/containers/0/name"_json_pointer, std::string{});
        if (!success) {
          spdlog::info("pod {}: {} probe failed: {}", describe(self), control::to_string(spec.kind), output);
          record(self, "Warning", "Unhealthy", std::string(control::to_string(spec.kind)) + " probe failed: " + output);
        }
        const auto consequence = st.probes.record(i, success);
        if (st.network_probes)
          st.network_probes->want_successes(i, st.probes.verdict(i) != control::probe_verdict::success);
        switch (consequence) {
          case control::probe_consequence::none:
            return;
          case control::probe_consequence::started:
            if (st.network_probes) st.network_probes->stop(i);  // a startup probe is done once it succeeded
            for (std::size_t other = 0; other < st.probes.size(); ++other)
              if (other != i) begin_probe(self, other);
            [[fallthrough]];
          case control::probe_consequence::readiness_changed:
            st.observed.started = st.probes.started();
            st.observed.ready = st.probes.ready();
            st.observed.ready_since = model::rfc3339(st.settings.clock());
            return write_status(self);
          case control::probe_consequence::restart: {
            const std::string what = spec.kind == control::probe_kind::liveness ? "liveness" : "startup";
            spdlog::info("pod {}: Container {} failed {} probe, will be restarted", describe(self), container_name, what);
            record(self, "Normal", "Killing", "Container " + container_name + " failed " + what + " probe, will be restarted");
            stop_probes(self);  // no probing of a container being killed
            st.observed.ready = false;
            write_status(self);
            auto grace = spec.termination_grace_period_seconds.value_or(
                model::value_at(st.pod, "/spec/terminationGracePeriodSeconds"_json_pointer, int64_t{30}));
            st.stopped_run = run_of(*st.container);
            runtime_call<runtime_reply>(self, [self](const runtime_reply&) { self->state.needs_inspect = true; },
                                        kill_atom::value, st.container->id, grace);
            return;
          }
        }
      },
      [self](drained_atom) {
        auto& st = self->state;
        st.drained = true;
        st.busy = false;
        reconcile(self);
      },
      [self](restart_atom) {
        auto& st = self->state;
        const bool exited = st.container && st.container->status == podman::container_status::exited;
        st.restart = exited ? control::restart_stage::due : control::restart_stage::none;
        reconcile(self);
      },
  };
}

}  // namespace

pod_actor spawn_pod_actor(caf::actor_system& system, store_actor store, runtime_actor runtime,
                          pod_actor_settings settings, json pod) {
  return system.spawn(pod_behavior, std::move(store), std::move(runtime), std::move(settings), std::move(pod));
}

}  // namespace orkest::actors
