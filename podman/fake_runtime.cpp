#include "podman/fake_runtime.hpp"

#include <ctime>

#include "podman/podman_json.hpp"

namespace orkest::podman {

namespace {

std::string now_rfc3339() { return format_utc(std::time(nullptr)); }

runtime_error not_found(const std::string& id) { return {runtime_reason::not_found, "no such container " + id}; }

}  // namespace

void fake_runtime::emit(const container_state& state, const std::string& action, std::optional<int> exit_code) {
  // Nobody may be watching (deterministic tests feed events by hand): keep only recent ones.
  if (events_.size() >= 1024) events_.pop_front();
  events_.push_back({state.id, state.name, action, state.labels, exit_code});
  events_ready_.notify_all();
}

runtime_status fake_runtime::ensure_network(const std::string&, const std::string&) { return std::nullopt; }

runtime_result<std::string> fake_runtime::create(const container_spec& requested) {
  std::lock_guard lock(mutex_);
  container_spec spec = requested;
  if (needs_image_user(spec)) {
    auto user = image_users_.find(spec.image);
    const std::string image_user = user == image_users_.end() ? "" : user->second;
    if (spec.run_as_non_root)
      if (auto violation = non_root_violation(spec.user, image_user))
        return runtime_error{runtime_reason::create_config, *violation + " " + spec.non_root_subject};
    spec.user = effective_user(spec.user, image_user);
  }
  if (missing_images_.count(spec.image)) {
    if (spec.image_pull_policy == "Never")
      return runtime_error{runtime_reason::image_never_pull,
                           "Container image \"" + spec.image + "\" is not present with pull policy of Never"};
    return runtime_error{runtime_reason::image_pull, "image " + spec.image + " not found and no registry is reachable"};
  }
  for (const auto& [id, state] : containers_) {
    if (state.name == spec.name) return runtime_error{runtime_reason::name_in_use, "the container name " + spec.name + " is already in use"};
    if (!spec.ip.empty() && fixed_ips_.count(id) && fixed_ips_.at(id) == spec.ip)
      return runtime_error{runtime_reason::address_in_use, "IPAM error: requested ip address " + spec.ip +
                                                      " is already allocated to container ID " + id};
  }
  container_state state;
  state.id = "fake" + std::to_string(next_id_++);
  state.name = spec.name;
  state.image = spec.image;
  state.labels = spec.labels;
  state.status = container_status::created;
  containers_[state.id] = state;
  specs_[state.id] = spec;
  if (!spec.ip.empty()) fixed_ips_[state.id] = spec.ip;
  ++created_;
  emit(state, "create", std::nullopt);
  return state.id;
}

runtime_status fake_runtime::start(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = containers_.find(id);
  if (it == containers_.end()) return not_found(id);
  auto& state = it->second;
  state.status = container_status::running;
  state.started_at = now_rfc3339();
  state.finished_at.clear();
  state.exit_code = 0;
  // A fixed address, or one following the container number, so they are stable and unique.
  state.ip = fixed_ips_.count(id) ? fixed_ips_.at(id) : "10.88.0." + std::to_string(2 + std::stoi(id.substr(4)) % 250);
  emit(state, "start", std::nullopt);
  if (auto exits = exit_codes_at_start_.find(state.image); exits != exit_codes_at_start_.end()) {
    state.status = container_status::exited;
    state.exit_code = exits->second;
    state.finished_at = now_rfc3339();  // whole seconds, as podman's timestamps reach orkest
    state.ip.clear();
    emit(state, "died", exits->second);
  }
  return std::nullopt;
}

runtime_status fake_runtime::stop(const std::string& id, std::chrono::seconds) {
  std::lock_guard lock(mutex_);
  auto it = containers_.find(id);
  if (it == containers_.end()) return std::nullopt;
  if (it->second.status == container_status::running) {
    it->second.status = container_status::exited;
    it->second.exit_code = 143;
    it->second.finished_at = now_rfc3339();
    emit(it->second, "died", 143);
  }
  return std::nullopt;
}

runtime_status fake_runtime::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = containers_.find(id);
  if (it == containers_.end()) return std::nullopt;
  auto state = it->second;
  containers_.erase(it);
  fixed_ips_.erase(id);
  emit(state, "remove", std::nullopt);
  return std::nullopt;
}

runtime_result<container_state> fake_runtime::inspect(const std::string& id) {
  std::unique_lock lock(mutex_);
  ++inspected_[id];
  auto it = containers_.find(id);
  if (it == containers_.end()) return not_found(id);
  container_state state = it->second;
  if (removed_after_inspect_.erase(id)) {
    lock.unlock();
    remove(id);
  }
  return state;
}

runtime_result<std::vector<container_state>> fake_runtime::list(const label_map& labels) {
  std::lock_guard lock(mutex_);
  std::vector<container_state> out;
  for (const auto& [id, state] : containers_) {
    bool match = true;
    for (const auto& [key, value] : labels) {
      auto it = state.labels.find(key);
      match = match && it != state.labels.end() && it->second == value;
    }
    if (match) out.push_back(state);
  }
  return out;
}

runtime_result<std::string> fake_runtime::logs(const std::string& id, const log_options& options) {
  std::lock_guard lock(mutex_);
  auto it = containers_.find(id);
  if (it == containers_.end()) return not_found(id);
  std::string output = "fake runtime: container " + it->second.name + " has no output\n";
  if (options.limit_bytes && *options.limit_bytes >= 0 && static_cast<std::size_t>(*options.limit_bytes) < output.size())
    output.resize(static_cast<std::size_t>(*options.limit_bytes));
  return output;
}

runtime_result<exec_result> fake_runtime::exec(const std::string& id, const std::vector<std::string>&,
                                               std::chrono::milliseconds) {
  std::lock_guard lock(mutex_);
  if (containers_.find(id) == containers_.end()) return not_found(id);
  auto it = exec_results_.find(id);
  return it == exec_results_.end() ? exec_result{} : it->second;
}

void fake_runtime::set_exec_result(const std::string& id, exec_result result) {
  std::lock_guard lock(mutex_);
  exec_results_[id] = std::move(result);
}

runtime_status fake_runtime::watch_events(const std::function<void(const container_event&)>& on_event,
                                          const std::atomic<bool>& stop) {
  std::unique_lock lock(mutex_);
  while (!stop) {
    events_ready_.wait_for(lock, std::chrono::milliseconds(200), [&] { return !events_.empty() || stop; });
    while (!events_.empty()) {
      auto event = std::move(events_.front());
      events_.pop_front();
      lock.unlock();
      on_event(event);
      lock.lock();
    }
  }
  return std::nullopt;
}

void fake_runtime::set_exits_at_once(const std::string& image, int exit_code) {
  std::lock_guard lock(mutex_);
  exit_codes_at_start_[image] = exit_code;
}

void fake_runtime::kill(const std::string& id, int exit_code) {
  std::lock_guard lock(mutex_);
  auto it = containers_.find(id);
  if (it == containers_.end() || it->second.status != container_status::running) return;
  it->second.status = container_status::exited;
  it->second.exit_code = exit_code;
  it->second.finished_at = now_rfc3339();
  it->second.ip.clear();
  emit(it->second, "died", exit_code);
}

void fake_runtime::remove_behind_back(const std::string& id) { remove(id); }

void fake_runtime::remove_after_next_inspect(const std::string& id) {
  std::lock_guard lock(mutex_);
  removed_after_inspect_.insert(id);
}

void fake_runtime::set_image_missing(const std::string& image) {
  std::lock_guard lock(mutex_);
  missing_images_.insert(image);
}

void fake_runtime::set_image_present(const std::string& image) {
  std::lock_guard lock(mutex_);
  missing_images_.erase(image);
}

void fake_runtime::set_image_user(const std::string& image, const std::string& user) {
  std::lock_guard lock(mutex_);
  image_users_[image] = user;
}

container_spec fake_runtime::spec_of(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto found = specs_.find(id);
  return found == specs_.end() ? container_spec{} : found->second;
}

std::vector<container_state> fake_runtime::containers() const {
  std::lock_guard lock(mutex_);
  std::vector<container_state> out;
  for (const auto& [id, state] : containers_) out.push_back(state);
  return out;
}

std::vector<container_event> fake_runtime::take_events() {
  std::lock_guard lock(mutex_);
  std::vector<container_event> out(events_.begin(), events_.end());
  events_.clear();
  return out;
}

std::vector<runtime_result<container_state>> fake_runtime::inspect_each(const std::vector<std::string>& ids) {
  {
    std::lock_guard lock(mutex_);
    batches_.push_back(ids.size());
  }
  return container_runtime::inspect_each(ids);
}

std::vector<std::size_t> fake_runtime::inspection_batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

int fake_runtime::creations() const {
  std::lock_guard lock(mutex_);
  return created_;
}

int fake_runtime::inspections(const std::string& id) const {
  std::lock_guard lock(mutex_);
  if (!id.empty()) return inspected_.count(id) ? inspected_.at(id) : 0;
  int all = 0;
  for (const auto& [inspected_id, count] : inspected_) all += count;
  return all;
}

}  // namespace orkest::podman
