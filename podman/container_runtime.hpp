#pragma once
// The container runtime boundary. Nothing outside podman/ knows how containers are made;
// actors talk to this interface only. Every call may block (fork/exec, socket reads), so
// callers run it off CAF's scheduler threads (see actors/runtime_worker.hpp).

#include <atomic>
#include <chrono>
#include <functional>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace orkest::podman {

using label_map = std::map<std::string, std::string>;

// Labels orkest puts on every container it creates, so `podman ps` shows the owner and a
// restarted orkest can adopt what it finds.
inline constexpr const char* label_managed_by = "io.orkest.managed-by";  // value "orkest"
inline constexpr const char* label_namespace = "io.orkest.pod-namespace";
inline constexpr const char* label_pod_name = "io.orkest.pod-name";
inline constexpr const char* label_pod_uid = "io.orkest.pod-uid";
// The orkest instance (its node name) that owns the container: two instances on one host,
// such as a developer's and a test's, never touch each other's containers.
inline constexpr const char* label_node = "io.orkest.node";

struct container_port {
  std::string name;
  int container_port = 0;
  std::string protocol = "TCP";
  int host_port = 0;    // published on the host at this port (hostPort); 0: not published
  std::string host_ip;  // ... on this address only; empty: every address
};

// A folder of the host seen at `destination` in the container (a pod volume, or one of its
// subPaths), as podman's `--mount=type=bind`. Neither path may hold a comma: that is the
// option's separator (the API refuses such paths).
struct container_mount {
  std::string source;
  std::string destination;
  bool read_only = false;
};

// Everything needed to create one container for one pod.
struct container_spec {
  std::string name;  // podman container name, e.g. "default_ping"
  std::string image;
  std::string image_pull_policy = "IfNotPresent";  // Always | IfNotPresent | Never
  std::vector<std::string> command;                // overrides the image entrypoint when set
  std::vector<std::string> args;
  std::string working_dir;                         // workingDir; empty: the image's
  std::vector<std::pair<std::string, std::string>> env;
  // Variables set to the pod's address (status.podIP), filled in where the address is chosen.
  std::vector<std::string> pod_ip_env;
  label_map labels;
  std::string hostname;
  std::string network;  // empty: runtime default
  std::string ip;       // a fixed address on `network`; empty: the network's own IPAM picks one
  std::vector<std::string> network_aliases;
  std::vector<std::string> dns_servers;  // empty: the network's own DNS
  std::vector<std::string> dns_search;
  std::vector<container_port> ports;
  std::vector<container_mount> mounts;  // volumeMounts, in order
  // resources.limits: cgroup limits (--memory with no swap beyond it, --cpus); 0: none.
  std::int64_t memory_limit_bytes = 0;
  std::int64_t cpu_limit_millis = 0;
  // securityContext: the process's user ("UID", "UID:GID", or ":GID" for the image's user with
  // that group; empty: the image's), extra groups, and what it may do.
  std::string user;
  std::vector<std::int64_t> groups;
  bool read_only_root = false;
  bool no_new_privileges = false;
  bool privileged = false;
  std::vector<std::string> capabilities_added;
  std::vector<std::string> capabilities_dropped;
  // runAsNonRoot: the runtime refuses to start the container as root (CreateContainerConfigError,
  // its message ending with `non_root_subject`, e.g. `(pod: "web_default(uid)", container: web)`).
  bool run_as_non_root = false;
  std::string non_root_subject;
};

// runAsNonRoot against the user a container would run as (the spec's, else the image's
// "User"): why that breaks the policy, in the kubelet's words (its subject follows); nullopt
// when it does not.
std::optional<std::string> non_root_violation(const std::string& spec_user, const std::string& image_user);

// Whether the image's "User" must be read before the container is made: runAsNonRoot without a
// user of the spec's, or a group without a user (runAsGroup alone: `user` is ":GID").
bool needs_image_user(const container_spec& spec);
// The user for podman's --user: the spec's, or for ":GID" the image's user with that group
// ("0:GID" for an image that names none), as the kubelet runs runAsGroup without runAsUser.
std::string effective_user(const std::string& spec_user, const std::string& image_user);

enum class container_status { created, running, exited, unknown };

inline const char* to_string(container_status status) {
  switch (status) {
    case container_status::created: return "created";
    case container_status::running: return "running";
    case container_status::exited: return "exited";
    case container_status::unknown: break;
  }
  return "unknown";
}

// What the runtime knows about one container right now.
struct container_state {
  std::string id;
  std::string name;
  std::string image;
  label_map labels;
  container_status status = container_status::unknown;
  int exit_code = 0;
  bool oom_killed = false;
  std::string started_at;   // RFC 3339, empty if never started
  std::string finished_at;  // RFC 3339, empty if still running
  std::string ip;           // address on the pod network, empty if none
  std::string error;        // runtime's own error text, if any
};

// The same container in the same run: nothing happened to it between the two looks (a
// restart changes started_at, an exit status and finished_at).
inline bool same_run(const container_state& a, const container_state& b) {
  return a.id == b.id && a.status == b.status && a.exit_code == b.exit_code && a.started_at == b.started_at &&
         a.finished_at == b.finished_at;
}

// One event from the runtime's event stream.
struct container_event {
  std::string id;
  std::string name;
  std::string action;  // podman's status word: "start", "died", "remove", ...
  label_map labels;
  std::optional<int> exit_code;
};

// Why a runtime call failed: one closed set, which callers compare as values. Where a
// Kubernetes waiting reason fits, reason_text gives its word (a pod's status shows it).
enum class runtime_reason {
  failed,            // RuntimeError: podman failed otherwise
  timed_out,         // RuntimeTimeout: podman (or an exec'd command) did not finish in time
  not_found,         // NotFound: no such container
  image_pull,        // ErrImagePull: the image could not be pulled (or loaded)
  image_never_pull,  // ErrImageNeverPull: not on this host and the pull policy says Never
  create_config,     // CreateContainerConfigError: the spec cannot be honoured (runAsNonRoot, ...)
  create,            // CreateContainerError
  run,               // RunContainerError: the OCI runtime could not start it
  name_in_use,       // ContainerNameInUse: a container already has the name
  address_in_use,    // AddressInUse: another container holds the fixed address asked for
  address_rejected,  // AddressRejected: the network takes no fixed address like it
};

// The reason's Kubernetes (or orkest) word, e.g. "ErrImagePull".
const char* reason_text(runtime_reason reason);

// A failed call.
struct runtime_error {
  runtime_reason reason = runtime_reason::failed;
  std::string message;
};

// What a command run inside a container (an exec probe) did.
struct exec_result {
  int exit_code = 0;
  std::string output;  // stdout and stderr together, at most max_exec_output_bytes
};
inline constexpr std::size_t max_exec_output_bytes = 10 * 1024;  // what the kubelet keeps of a probe

template <class T>
using runtime_result = std::variant<T, runtime_error>;
using runtime_status = std::optional<runtime_error>;  // nullopt means success

struct log_options {
  bool timestamps = false;
  std::optional<int> tail_lines;
  std::optional<int> since_seconds;
  std::string since_time;  // RFC 3339: only output from then on (empty: from the start)
  std::string until_time;  // RFC 3339: only output before then (empty: up to now)
  // At most this many bytes, read no further than that (empty: all, up to max_log_read_bytes).
  std::optional<int64_t> limit_bytes;
};

// A one-shot read of a log never holds more than this in memory (`limitBytes`, `tailLines`
// and `follow` are the ways to read more of a larger log).
inline constexpr std::size_t max_log_read_bytes = 32 << 20;

class container_runtime {
 public:
  virtual ~container_runtime() = default;

  // Human-readable name for logs ("podman", "fake").
  virtual std::string name() const = 0;

  // Checks the runtime works at all; the error says what to fix.
  virtual runtime_status check() = 0;
  // The runtime's version as the node reports it ("podman://4.3.1"); known after check().
  virtual std::string version() const { return name() + "://"; }

  // Creates the pod network if absent, reuses it if present.
  virtual runtime_status ensure_network(const std::string& name, const std::string& subnet) = 0;
  // The network's IPv4 subnet ("10.89.0.0/24"), so that orkest picks pod addresses (and knows
  // each before the container starts); "" when it has none or the runtime does not say.
  virtual runtime_result<std::string> network_subnet(const std::string&) { return std::string{}; }

  // Creates the container (honouring image_pull_policy) and returns its id. Does not start it.
  virtual runtime_result<std::string> create(const container_spec& spec) = 0;
  virtual runtime_status start(const std::string& id) = 0;
  // Creates and starts the container in one step and returns its id. On failure nothing of it
  // is left behind, so that a retry can take the same name.
  virtual runtime_result<std::string> run(const container_spec& spec) {
    auto created = create(spec);
    if (auto* error = std::get_if<runtime_error>(&created)) return *error;
    const auto id = std::get<std::string>(created);
    if (auto error = start(id)) {
      remove(id);
      return *error;
    }
    return id;
  }
  // Sends SIGTERM, waits up to `grace`, then SIGKILL. Stopping a stopped container succeeds.
  virtual runtime_status stop(const std::string& id, std::chrono::seconds grace) = 0;
  // Removes the container (forcefully). Removing a missing container succeeds.
  virtual runtime_status remove(const std::string& id) = 0;
  virtual runtime_result<container_state> inspect(const std::string& id) = 0;
  // One result per id, in order. A runtime that can look at several containers in one call
  // (podman: one process instead of one each) does so.
  virtual std::vector<runtime_result<container_state>> inspect_each(const std::vector<std::string>& ids) {
    std::vector<runtime_result<container_state>> results;
    for (const auto& id : ids) results.push_back(inspect(id));
    return results;
  }
  // Every container (running or not) carrying all of the given labels.
  virtual runtime_result<std::vector<container_state>> list(const label_map& labels) = 0;
  virtual runtime_result<std::string> logs(const std::string& id, const log_options& options) = 0;
  // Runs argv inside the running container, ended after `timeout` (runtime_reason::timed_out).
  virtual runtime_result<exec_result> exec(const std::string& id, const std::vector<std::string>& argv,
                                           std::chrono::milliseconds timeout) = 0;
  // The logs as `logs` gives them, then new output as the container writes it, handed to
  // on_output as it comes, until the container stops or `stop` becomes true (checked at least
  // every 100 ms). Without a streaming implementation: the logs so far, once.
  virtual runtime_status follow_logs(const std::string& id, const log_options& options,
                                     const std::function<void(std::string_view)>& on_output,
                                     const std::atomic<bool>& stop) {
    auto result = logs(id, options);
    if (auto* error = std::get_if<runtime_error>(&result)) return *error;
    if (!stop.load()) on_output(std::get<std::string>(result));
    return std::nullopt;
  }

  // Streams events for containers carrying `label_managed_by` until `stop` becomes true or the
  // stream breaks; returns why it ended. Callers reconnect after a break.
  virtual runtime_status watch_events(const std::function<void(const container_event&)>& on_event,
                                      const std::atomic<bool>& stop) = 0;
};

}  // namespace orkest::podman
