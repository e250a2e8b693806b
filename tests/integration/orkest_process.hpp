#pragma once
// A real orkest process for the integration tests, with real podman.
//
// Each orkest_process gets its own temporary folder with a configuration file, a bootstrap
// manifests folder and the process's log; a free API port; its own node name (the
// io.orkest.node label of its containers), podman network, pod subnet, Service CIDR and
// cluster DNS address. A "slot" (0..54, held with flock on a file in /tmp for the life of
// the object) keeps concurrently running test processes from choosing the same subnet.
//
// The destructor stops orkest (SIGTERM, then SIGKILL after a bound), removes every container
// labelled with its node name and its network, and deletes the folder: tests clean up after
// themselves even when an assertion fails.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http.hpp"

namespace orkest::itest {

// ---- helpers --------------------------------------------------------------------------------

// Calls `probe` every `interval` until it returns true or `limit` passes; true if it did.
// The tests' only way to wait: never a fixed sleep.
inline bool eventually(const std::function<bool()>& probe, std::chrono::milliseconds limit,
                       std::chrono::milliseconds interval = std::chrono::milliseconds(100)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    if (probe()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

struct command_result {
  int exit_code = -1;  // -1: could not run it, or it was killed at the deadline
  std::string out;     // stdout
  std::string err;     // stderr
  bool ok() const { return exit_code == 0; }
};

// Runs a program (no shell) with stdout and stderr captured; kills it after `limit`.
command_result run_command(const std::vector<std::string>& argv,
                           std::chrono::milliseconds limit = std::chrono::seconds(60));

// Runs podman with the project's containers.conf (CONTAINERS_CONF), as orkest does.
command_result podman(const std::vector<std::string>& args, std::chrono::milliseconds limit = std::chrono::seconds(60));

// A TCP port on 127.0.0.1 nothing listens on now (the kernel's pick).
uint16_t free_port();

// The project's source folder and the orkest binary under test (the build's own, or
// $ORKEST_ITEST_BINARY when set).
std::string source_dir();
std::string orkest_binary();

// Makes sure localhost/health:latest and localhost/ping:latest exist (builds them offline
// with scripts/build-example-images.sh when one is missing); empty on success, else why not.
std::string ensure_example_images();

// ---- the process ----------------------------------------------------------------------------

struct orkest_options {
  int reconcile_seconds = 1;
  std::string log_level = "debug";
  // false: runtime.subnet is "": podman gives the new network a subnet of its choosing.
  bool configured_subnet = true;
  // nodes.gracePeriodSeconds (with nodes.leaseRenewSeconds 1); 0: orkest's default.
  int node_grace_seconds = 0;
  // Set: run `orkest agent` joined to the server on this port with this token, instead of a
  // server; started is then "its Node is registered".
  struct agent_target {
    uint16_t server_port = 0;
    std::string token;
  };
  std::optional<agent_target> agent;
};

class orkest_process {
 public:
  explicit orkest_process(orkest_options options = {});
  ~orkest_process();
  orkest_process(const orkest_process&) = delete;
  orkest_process& operator=(const orkest_process&) = delete;

  // Writes `content` to the bootstrap manifests folder as `file_name` (applied at start).
  void add_manifest(const std::string& file_name, const std::string& content);

  // Starts orkest and waits (bounded) until /readyz answers 200. Empty on success, else
  // what went wrong (the log says more).
  std::string start(std::chrono::milliseconds limit = std::chrono::seconds(30));
  // SIGTERM, then SIGKILL if it has not ended within `grace`.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  // SIGKILL at once, as a crash would: nothing is cleaned up by orkest.
  void kill();
  bool running();

  http_client api() const { return http_client(port_); }
  uint16_t port() const { return port_; }
  const std::string& node_name() const { return node_name_; }
  const std::string& network() const { return network_; }
  const std::string& folder() const { return folder_; }
  // The one folder pods may mount hostPath volumes from (security.hostPathAllowed); not made.
  std::string host_path_folder() const { return folder_ + "/host"; }
  // Where pods' volumes are made: <data dir>/pods.
  std::string pods_folder() const { return folder_ + "/data/pods"; }
  std::string log() const;
  // The join token a server made in its data folder (for its agents).
  std::string join_token() const;

  // Ids of the containers labelled with this orkest's node name (and `labels` too).
  std::vector<std::string> container_ids(const std::map<std::string, std::string>& labels = {}) const;
  // `podman inspect` of one container, as JSON (null when it does not exist).
  static nlohmann::json inspect(const std::string& id_or_name);

  // Removes this orkest's containers, network and loopback address; called by the destructor.
  void clean_up();

 private:
  void choose_slot();
  void write_config();

  orkest_options options_;
  std::string folder_;
  std::string config_path_;
  std::string log_path_;
  std::string node_name_;
  std::string network_;
  std::string subnet_;
  std::string service_cidr_;
  std::string dns_ip_;
  uint16_t port_ = 0;
  int slot_ = -1;
  int slot_lock_fd_ = -1;
  int pid_ = -1;
};

}  // namespace orkest::itest
