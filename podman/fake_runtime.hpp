#pragma once
// An in-memory container runtime with the same interface as podman: containers "run" at once,
// get an address, and die only when told to. For deterministic tests and for trying the API
// without podman (`runtime: fake` in the configuration). Never the default.

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "podman/container_runtime.hpp"

namespace orkest::podman {

class fake_runtime : public container_runtime {
 public:
  std::string name() const override { return "fake"; }
  runtime_status check() override { return std::nullopt; }
  runtime_status ensure_network(const std::string& name, const std::string& subnet) override;
  runtime_result<std::string> create(const container_spec& spec) override;
  runtime_status start(const std::string& id) override;
  runtime_status stop(const std::string& id, std::chrono::seconds grace) override;
  runtime_status remove(const std::string& id) override;
  runtime_result<container_state> inspect(const std::string& id) override;
  std::vector<runtime_result<container_state>> inspect_each(const std::vector<std::string>& ids) override;
  runtime_result<std::vector<container_state>> list(const label_map& labels) override;
  runtime_result<std::string> logs(const std::string& id, const log_options& options) override;
  // Answers with what set_exec_result says for the container (exit 0 otherwise).
  runtime_result<exec_result> exec(const std::string& id, const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout) override;
  runtime_status watch_events(const std::function<void(const container_event&)>& on_event,
                              const std::atomic<bool>& stop) override;

  // Test controls: what a real container or a real user could do behind orkest's back.
  void kill(const std::string& id, int exit_code);        // the container exits
  void remove_behind_back(const std::string& id);         // `podman rm -f`
  // `podman rm -f` finishing just after podman answered an inspection: the next inspect of
  // `id` still reports it, then it is gone.
  void remove_after_next_inspect(const std::string& id);
  void set_image_missing(const std::string& image);       // create fails as podman would
  void set_image_present(const std::string& image);       // ... until this
  void set_exits_at_once(const std::string& image, int exit_code);  // its process ends as it starts
  void set_image_user(const std::string& image, const std::string& user);  // its "User" (default: root)
  void set_exec_result(const std::string& id, exec_result result);  // what exec answers for it
  std::vector<container_state> containers() const;        // everything, for assertions
  container_spec spec_of(const std::string& id) const;    // what a container was created from
  int creations() const;                                  // containers ever created
  int inspections(const std::string& id = "") const;     // single-container inspects (of id) ever made
  std::vector<std::size_t> inspection_batches() const;   // the size of every inspect_each call
  // Events not yet consumed by watch_events, oldest first. Deterministic tests run without
  // the event pump and hand these to the pod supervisor themselves.
  std::vector<container_event> take_events();

 private:
  void emit(const container_state& state, const std::string& action, std::optional<int> exit_code);

  mutable std::mutex mutex_;
  std::condition_variable events_ready_;
  std::map<std::string, container_state> containers_;  // by id
  std::map<std::string, container_spec> specs_;         // by id, kept after removal
  std::set<std::string> missing_images_;
  std::map<std::string, std::string> image_users_;  // by image
  std::set<std::string> removed_after_inspect_;  // by id
  std::map<std::string, int> exit_codes_at_start_;  // by image
  std::deque<container_event> events_;
  int next_id_ = 1;
  int created_ = 0;
  std::map<std::string, int> inspected_;  // by id
  std::vector<std::size_t> batches_;
  std::map<std::string, exec_result> exec_results_;  // by container id
  std::map<std::string, std::string> fixed_ips_;  // by container id, for as long as it exists
};

}  // namespace orkest::podman
