#pragma once
// container_runtime on the podman CLI: every call runs one `podman ...` child process (see
// README.md for why the CLI and not the libpod REST API).

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "podman/container_runtime.hpp"
#include "podman/process.hpp"

namespace orkest::podman {

struct podman_settings {
  std::string podman_binary = "podman";  // a name looked up in PATH, or a path
  // Given to every podman child as CONTAINERS_CONF when set (e.g. conf/containers.conf on
  // hosts that need its workarounds); empty leaves podman's own configuration alone.
  std::string containers_conf;
  // Longest any single podman command may take before it is killed (RuntimeTimeout).
  // `stop` gets its grace period on top.
  std::chrono::milliseconds command_timeout{std::chrono::seconds(30)};
  // Pulls download images and may take much longer than other commands.
  std::chrono::milliseconds pull_timeout{std::chrono::minutes(5)};
};

// Holds nothing but its settings: safe to call from several threads at once.
class podman_runtime : public container_runtime {
 public:
  explicit podman_runtime(podman_settings settings = {});

  std::string name() const override { return "podman"; }
  runtime_status check() override;
  std::string version() const override { return "podman://" + version_; }
  runtime_status ensure_network(const std::string& name, const std::string& subnet) override;
  runtime_result<std::string> network_subnet(const std::string& name) override;
  // Pull policies: Never uses only local images (ErrImageNeverPull when absent); IfNotPresent
  // pulls only when absent (ErrImagePull when that fails); Always pulls, except images built
  // on this machine (localhost/..., which "health:latest" resolves to), and when the pull
  // fails but the image is present locally it uses the local one (logging a warning), so
  // machines without a registry still run.
  runtime_result<std::string> create(const container_spec& spec) override;
  // A missing container is NotFound (rather than RunContainerError) so callers recreate it.
  runtime_status start(const std::string& id) override;
  // `podman run -d`: one podman process instead of create and start (the largest part of a pod's
  // start-up); the image is looked at only when podman says it is missing.
  runtime_result<std::string> run(const container_spec& spec) override;
  runtime_status stop(const std::string& id, std::chrono::seconds grace) override;
  runtime_status remove(const std::string& id) override;
  runtime_result<container_state> inspect(const std::string& id) override;
  std::vector<runtime_result<container_state>> inspect_each(const std::vector<std::string>& ids) override;
  // `podman ps` for the ids, then one `podman container inspect` of them all.
  runtime_result<std::vector<container_state>> list(const label_map& labels) override;
  runtime_result<std::string> logs(const std::string& id, const log_options& options) override;
  runtime_result<exec_result> exec(const std::string& id, const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout) override;
  // `podman logs --follow` as a child process, its output streamed line by line.
  runtime_status follow_logs(const std::string& id, const log_options& options,
                             const std::function<void(std::string_view)>& on_output,
                             const std::atomic<bool>& stop) override;
  // Only events that happen after podman has started reading are delivered: callers list
  // after (re)connecting to learn what they missed.
  runtime_status watch_events(const std::function<void(const container_event&)>& on_event,
                              const std::atomic<bool>& stop) override;

 private:
  process_options options(std::chrono::milliseconds timeout) const;
  std::vector<std::string> command_line(const std::vector<std::string>& args) const;
  // Runs `podman args...` with the command timeout (or the one given).
  process_result podman(const std::vector<std::string>& args) const;
  process_result podman(const std::vector<std::string>& args, std::chrono::milliseconds timeout) const;
  // Failure of a finished command: RuntimeError when podman could not be run, RuntimeTimeout
  // when it was killed, else `reason` with podman's own message.
  runtime_error failure(const process_result& result, runtime_reason reason,
                        const std::string& what) const;
  // `podman image exists` / `podman network exists`: true, false, or why it could not tell.
  runtime_result<bool> exists(const std::vector<std::string>& args) const;
  runtime_status ensure_image(const std::string& image, const std::string& pull_policy);
  // runAsNonRoot: CreateContainerConfigError when the container would run as root.
  runtime_result<container_spec> with_user(const container_spec& spec);
  // A tarball image (docker-archive:, oci-archive:) as an image ID: `podman load` once per
  // version of the file (path, size, modification time), then the ID it gave.
  runtime_result<std::string> image_from_archive(const std::string& path);
  // The spec with a tarball image replaced by the loaded image's ID.
  runtime_result<container_spec> with_local_image(const container_spec& spec);

  struct loaded_archive {
    std::string version;  // size and modification time when loaded
    std::string image_id;
  };
  std::mutex archives_mutex_;
  std::map<std::string, loaded_archive> archives_;  // by file path

  podman_settings settings_;
  std::string version_;  // podman's, read by check()
};

}  // namespace orkest::podman
