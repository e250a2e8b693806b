#include "podman/podman_runtime.hpp"

#include <algorithm>
#include <chrono>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>

#include "podman/image_reference.hpp"
#include "podman/podman_args.hpp"
#include "podman/podman_errors.hpp"
#include "podman/podman_json.hpp"

namespace orkest::podman {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

runtime_error not_found(const std::string& id) { return {runtime_reason::not_found, "container " + id + " does not exist"}; }

// Known to exist; an error counts as not known.
bool known_true(const runtime_result<bool>& answer) {
  return std::holds_alternative<bool>(answer) && std::get<bool>(answer);
}

}  // namespace

podman_runtime::podman_runtime(podman_settings settings) : settings_(std::move(settings)) {}

process_options podman_runtime::options(std::chrono::milliseconds timeout) const {
  process_options result;
  result.timeout = timeout;
  if (!settings_.containers_conf.empty())
    result.env.emplace_back("CONTAINERS_CONF", settings_.containers_conf);
  return result;
}

process_result podman_runtime::podman(const std::vector<std::string>& args) const {
  return podman(args, settings_.command_timeout);
}

process_result podman_runtime::podman(const std::vector<std::string>& args,
                                      std::chrono::milliseconds timeout) const {
  const auto started = std::chrono::steady_clock::now();
  process_result result = run_process(command_line(args), options(timeout));
  if (spdlog::should_log(spdlog::level::debug)) {
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    spdlog::debug("runtime: podman {} {} -> exit {} in {} ms", args.empty() ? "" : args.front(),
                  args.size() > 1 ? args.back() : "", result.exit_code, took.count());
  }
  return result;
}

std::vector<std::string> podman_runtime::command_line(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{settings_.podman_binary};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

runtime_error podman_runtime::failure(const process_result& result, runtime_reason reason,
                                      const std::string& what) const {
  if (!result.spawn_error.empty())
    return {runtime_reason::failed,
            what + ": " + result.spawn_error +
                " (install podman and runc, see scripts/setup.sh, or configure the path to podman)"};
  if (result.killed) return {runtime_reason::timed_out, what + ": podman did not finish in time and was killed"};
  std::string text = podman_error_text(result.err);
  if (text.empty()) text = "podman exited with code " + std::to_string(result.exit_code);
  return {reason, what + ": " + text};
}

runtime_result<bool> podman_runtime::exists(const std::vector<std::string>& args) const {
  process_result result = podman(args);
  if (result.ok()) return true;
  if (result.finished() && result.exit_code == 1) return false;
  return failure(result, runtime_reason::failed, "podman " + args[0] + " " + args[1]);
}

runtime_status podman_runtime::check() {
  if (!settings_.containers_conf.empty() && ::access(settings_.containers_conf.c_str(), R_OK) != 0)
    return runtime_error{runtime_reason::failed, "cannot read containers.conf " + settings_.containers_conf + ": " +
                                             std::strerror(errno) + " (fix the configured path)"};
  process_result info = podman({"info", "--format", "json"});
  if (!info.ok())
    return failure(info, runtime_reason::failed,
                   "`podman info` failed (podman needs runc, and netavark and aardvark-dns for the "
                   "netavark backend; hosts with cgroups v1 or without CAP_SYS_RESOURCE need "
                   "conf/containers.conf)");
  // Pods find each other by name only through aardvark-dns, which needs netavark; the older
  // CNI backend runs but without names, which is worth a warning rather than a refusal.
  auto parsed = nlohmann::json::parse(info.out, nullptr, false);
  std::string backend =
      parsed.is_object() ? parsed.value(nlohmann::json::json_pointer("/host/networkBackend"), std::string())
                         : "";
  if (parsed.is_object()) version_ = parsed.value(nlohmann::json::json_pointer("/version/Version"), std::string());
  if (backend != "netavark")
    spdlog::warn(
        "podman uses the '{}' network backend: pods will not resolve each other by name; install "
        "netavark and aardvark-dns and set network_backend = \"netavark\" (see conf/containers.conf)",
        backend);
  return std::nullopt;
}

runtime_status podman_runtime::ensure_network(const std::string& name, const std::string& subnet) {
  auto present = exists({"network", "exists", name});
  if (auto* error = std::get_if<runtime_error>(&present)) return *error;
  if (std::get<bool>(present)) return std::nullopt;
  std::vector<std::string> args{"network", "create"};
  // One word: a subnet can never be read as an option of its own.
  if (!subnet.empty()) args.push_back("--subnet=" + subnet);
  args.push_back(name);
  process_result created = podman(args);
  if (created.ok()) return std::nullopt;
  // Someone else may have created it since we looked.
  if (known_true(exists({"network", "exists", name}))) return std::nullopt;
  return failure(created, runtime_reason::failed, "cannot create network " + name);
}

runtime_result<std::string> podman_runtime::network_subnet(const std::string& name) {
  process_result inspected = podman({"network", "inspect", "--format", "{{range .Subnets}}{{.Subnet}} {{end}}", "--", name});
  if (!inspected.ok()) return failure(inspected, runtime_reason::failed, "cannot inspect network " + name);
  std::istringstream words(inspected.out);
  for (std::string subnet; words >> subnet;)
    if (subnet.find(':') == std::string::npos) return subnet;  // IPv4: orkest's pod addresses are
  return std::string{};
}

runtime_status podman_runtime::ensure_image(const std::string& image, const std::string& pull_policy) {
  auto pull = [&] { return podman({"pull", "--quiet", image}, settings_.pull_timeout); };
  auto pull_failure = [&](const process_result& pulled) {
    return failure(pulled, runtime_reason::image_pull, "Failed to pull image " + quoted(image));
  };
  if (pull_policy == "Always") {
    // A locally built image has no registry to come from; trying one anyway costs seconds of
    // podman's retries on every container creation.
    if (auto local = localhost_image(image)) {
      if (known_true(exists({"image", "exists", *local}))) return std::nullopt;
    }
    process_result pulled = pull();
    if (pulled.ok()) return std::nullopt;
    if (!known_true(exists({"image", "exists", image}))) return pull_failure(pulled);
    spdlog::warn("pulling image \"{}\" failed ({}); using the local copy", image,
                 podman_error_text(pulled.err));
    return std::nullopt;
  }
  auto present = exists({"image", "exists", image});
  if (auto* error = std::get_if<runtime_error>(&present)) return *error;
  if (std::get<bool>(present)) return std::nullopt;
  if (pull_policy == "Never")
    return runtime_error{runtime_reason::image_never_pull,
                         "Container image " + quoted(image) + " is not present with pull policy of Never"};
  process_result pulled = pull();
  if (pulled.ok()) return std::nullopt;
  return pull_failure(pulled);
}

runtime_result<std::string> podman_runtime::image_from_archive(const std::string& path) {
  struct stat file {};
  if (::stat(path.c_str(), &file) != 0)
    return runtime_error{runtime_reason::image_pull, "Failed to load image archive " + quoted(path) + ": " + std::strerror(errno)};
  const std::string version = std::to_string(file.st_size) + "@" + std::to_string(file.st_mtim.tv_sec) + "." +
                              std::to_string(file.st_mtim.tv_nsec);
  // One load at a time: two pods of one new tarball load it once.
  std::lock_guard lock(archives_mutex_);
  if (auto known = archives_.find(path); known != archives_.end() && known->second.version == version) {
    if (known_true(exists({"image", "exists", known->second.image_id}))) return known->second.image_id;
  }
  process_result loaded = podman({"load", "--quiet", "--input", path}, settings_.pull_timeout);
  if (!loaded.ok()) return failure(loaded, runtime_reason::image_pull, "Failed to load image archive " + quoted(path));
  auto name = podman::loaded_image(loaded.out);
  if (!name) return runtime_error{runtime_reason::image_pull, "podman load named no image for archive " + quoted(path)};
  process_result id = podman({"image", "inspect", "--format", "{{.Id}}", "--", *name});
  if (!id.ok()) return failure(id, runtime_reason::image_pull, "cannot inspect the image loaded from " + quoted(path));
  const std::string image_id = id.out.substr(0, id.out.find_first_of("\r\n"));
  archives_[path] = {version, image_id};
  spdlog::info("runtime: loaded image archive {} as {}", path, image_id.substr(0, 12));
  return image_id;
}

runtime_result<container_spec> podman_runtime::with_local_image(const container_spec& spec) {
  auto path = archive_file(spec.image);
  if (!path) return spec;
  auto image_id = image_from_archive(*path);
  if (auto* error = std::get_if<runtime_error>(&image_id)) return *error;
  container_spec local = spec;
  local.image = std::get<std::string>(image_id);
  local.image_pull_policy = "Never";  // loaded: nothing to pull
  return local;
}

// The user the container runs as, settled against the image's "User" where the spec needs it:
// runAsNonRoot checked (CreateContainerConfigError), a group alone given the image's user.
runtime_result<container_spec> podman_runtime::with_user(const container_spec& spec) {
  if (!needs_image_user(spec)) return spec;
  if (auto error = ensure_image(spec.image, spec.image_pull_policy)) return *error;
  process_result inspected = podman({"image", "inspect", "--format", "{{.Config.User}}", "--", spec.image});
  if (!inspected.ok()) return failure(inspected, runtime_reason::create_config, "cannot read the user of image " + spec.image);
  const std::string image_user = inspected.out.substr(0, inspected.out.find_first_of("\r\n"));
  if (spec.run_as_non_root)
    if (auto violation = non_root_violation(spec.user, image_user))
      return runtime_error{runtime_reason::create_config, *violation + " " + spec.non_root_subject};
  container_spec settled = spec;
  settled.user = effective_user(spec.user, image_user);
  return settled;
}

runtime_result<std::string> podman_runtime::create(const container_spec& requested) {
  auto local = with_local_image(requested);
  if (auto* error = std::get_if<runtime_error>(&local)) return *error;
  auto settled = with_user(std::get<container_spec>(local));
  if (auto* error = std::get_if<runtime_error>(&settled)) return *error;
  const container_spec& spec = std::get<container_spec>(settled);
  if (auto error = ensure_image(spec.image, spec.image_pull_policy)) return *error;
  process_result created = podman(create_args(spec));
  if (!created.ok()) return failure(created, runtime_reason::create, "cannot create container " + spec.name);
  return created.out.substr(0, created.out.find_first_of("\r\n"));  // the new container's id
}

runtime_result<std::string> podman_runtime::run(const container_spec& requested) {
  auto local = with_local_image(requested);
  if (auto* error = std::get_if<runtime_error>(&local)) return *error;
  auto settled = with_user(std::get<container_spec>(local));
  if (auto* error = std::get_if<runtime_error>(&settled)) return *error;
  const container_spec& spec = std::get<container_spec>(settled);
  if (spec.image_pull_policy == "Always") {
    if (auto error = ensure_image(spec.image, spec.image_pull_policy)) return *error;
  }
  process_result ran = podman(run_args(spec));
  if (!ran.ok() && ran.finished() && is_image_not_known(ran.err)) {
    // Never: ErrImageNeverPull; IfNotPresent: pulled, then run again.
    if (auto error = ensure_image(spec.image, spec.image_pull_policy)) return *error;
    ran = podman(run_args(spec));
  }
  if (ran.ok()) return ran.out.substr(0, ran.out.find_first_of("\r\n"));  // the new container's id
  // podman leaves a container it created but could not start (or was killed while starting);
  // the name is orkest's own (orkest_<namespace>_<pod>), unless podman says another has it.
  if (ran.finished() && is_name_in_use(ran.err)) return failure(ran, runtime_reason::name_in_use, "cannot run container " + spec.name);
  podman({"rm", "--force", "--ignore", "--time", "0", spec.name});
  runtime_reason reason = ran.err.find("OCI runtime") != std::string::npos ? runtime_reason::run : runtime_reason::create;
  if (ran.finished() && is_address_in_use(ran.err)) reason = runtime_reason::address_in_use;
  else if (ran.finished() && is_address_rejected(ran.err)) reason = runtime_reason::address_rejected;
  return failure(ran, reason, "cannot run container " + spec.name);
}

runtime_status podman_runtime::start(const std::string& id) {
  process_result started = podman({"start", id});
  if (started.ok()) return std::nullopt;
  if (is_no_such_container(started.err)) return not_found(id);
  return failure(started, runtime_reason::run, "cannot start container " + id);
}

runtime_status podman_runtime::stop(const std::string& id, std::chrono::seconds grace) {
  process_result stopped =
      podman({"stop", "--time", std::to_string(grace.count()), id}, settings_.command_timeout + grace);
  if (stopped.ok()) return std::nullopt;
  if (is_no_such_container(stopped.err)) return not_found(id);
  return failure(stopped, runtime_reason::failed, "cannot stop container " + id);
}

runtime_status podman_runtime::remove(const std::string& id) {
  // --time 0: a forced remove kills at once instead of podman's default 10 s of SIGTERM grace;
  // --ignore: a container that is already gone counts as removed.
  process_result removed = podman({"rm", "--force", "--ignore", "--time", "0", id});
  if (removed.ok()) return std::nullopt;
  return failure(removed, runtime_reason::failed, "cannot remove container " + id);
}

runtime_result<container_state> podman_runtime::inspect(const std::string& id) {
  // `container inspect` rather than `inspect`, which would also match an image of that name.
  process_result inspected = podman({"container", "inspect", id});
  if (!inspected.ok() && is_no_such_container(inspected.err)) return not_found(id);
  if (!inspected.ok()) return failure(inspected, runtime_reason::failed, "cannot inspect container " + id);
  auto states = parse_inspect(inspected.out);
  if (auto* error = std::get_if<runtime_error>(&states)) return *error;
  auto& list = std::get<std::vector<container_state>>(states);
  if (list.empty()) return not_found(id);
  return list.front();
}

std::vector<runtime_result<container_state>> podman_runtime::inspect_each(const std::vector<std::string>& ids) {
  if (ids.size() == 1) return {inspect(ids.front())};
  std::vector<std::string> args{"container", "inspect"};
  args.insert(args.end(), ids.begin(), ids.end());
  process_result inspected = podman(args);
  std::vector<runtime_result<container_state>> results;
  // A missing container does not hide the others: podman prints those, then fails with
  // "no such container".
  bool answered = inspected.ok() || (inspected.finished() && is_no_such_container(inspected.err));
  auto states = answered ? parse_inspect(inspected.out)
                         : runtime_result<std::vector<container_state>>{
                               failure(inspected, runtime_reason::failed, "cannot inspect containers")};
  for (const auto& id : ids) {
    if (auto* error = std::get_if<runtime_error>(&states)) {
      results.emplace_back(*error);
      continue;
    }
    const auto& found = std::get<std::vector<container_state>>(states);
    // By full id, short id or name, as podman itself resolves them.
    auto match = std::find_if(found.begin(), found.end(), [&](const container_state& state) {
      return state.id.rfind(id, 0) == 0 || state.name == id;
    });
    if (match == found.end()) results.emplace_back(not_found(id));
    else results.emplace_back(*match);
  }
  return results;
}

runtime_result<std::vector<container_state>> podman_runtime::list(const label_map& labels) {
  process_result listed = podman(list_args(labels));
  if (!listed.ok()) return failure(listed, runtime_reason::failed, "cannot list containers");
  std::vector<std::string> inspect_args{"container", "inspect"};
  std::istringstream ids(listed.out);
  for (std::string id; std::getline(ids, id);)
    if (!blank(id)) inspect_args.push_back(id);
  if (inspect_args.size() == 2) return std::vector<container_state>{};
  process_result inspected = podman(inspect_args);
  // A container removed since ps ran is simply not listed: podman still prints the others,
  // then fails with "no such container".
  if (!inspected.ok() && !(inspected.finished() && is_no_such_container(inspected.err)))
    return failure(inspected, runtime_reason::failed, "cannot inspect the listed containers");
  return parse_inspect(inspected.out);
}

runtime_result<std::string> podman_runtime::logs(const std::string& id, const log_options& log) {
  process_options opts = options(settings_.command_timeout);
  opts.merge_stderr = true;
  // Read no more than is answered: the rest of a large log never enters memory.
  opts.max_output_bytes = max_log_read_bytes;
  if (log.limit_bytes && *log.limit_bytes > 0)
    opts.max_output_bytes = std::min(opts.max_output_bytes, static_cast<std::size_t>(*log.limit_bytes));
  process_result result = run_process(command_line(logs_args(id, log)), opts);
  if (result.ok() || result.truncated) return std::move(result.out);
  result.err = result.out;  // merged: podman's own complaint is in there
  if (is_no_such_container(result.err)) return not_found(id);
  return failure(result, runtime_reason::failed, "cannot read the logs of container " + id);
}

runtime_result<exec_result> podman_runtime::exec(const std::string& id, const std::vector<std::string>& argv,
                                                 std::chrono::milliseconds timeout) {
  process_options opts = options(timeout);
  opts.merge_stderr = true;  // the kubelet reports both as the probe's output
  opts.max_output_bytes = max_exec_output_bytes;
  process_result result = run_process(command_line(exec_args(id, argv)), opts);
  if (result.killed) return runtime_error{runtime_reason::timed_out, "command timed out"};
  if (!result.spawn_error.empty()) return failure(result, runtime_reason::failed, "cannot exec in container " + id);
  // 125 is podman's own failure (the command's exit codes are its own).
  if (result.exit_code == 125 && is_no_such_container(result.out)) return not_found(id);
  return exec_result{result.exit_code, std::move(result.out)};
}

runtime_status podman_runtime::follow_logs(const std::string& id, const log_options& log,
                                           const std::function<void(std::string_view)>& on_output,
                                           const std::atomic<bool>& stop) {
  process_options opts = options(settings_.command_timeout);
  opts.merge_stderr = true;  // the container's stderr is part of its log
  std::string line_buffer;
  process_result result = stream_process_lines(
      command_line(logs_args(id, log, true)), opts,
      [&](std::string_view line) {
        line_buffer.assign(line);
        line_buffer += '\n';
        on_output(line_buffer);
      },
      stop);
  if (stop.load() || result.ok()) return std::nullopt;
  return failure(result, runtime_reason::failed, "cannot follow the logs of container " + id);
}

runtime_status podman_runtime::watch_events(const std::function<void(const container_event&)>& on_event,
                                            const std::atomic<bool>& stop) {
  auto on_line = [&](std::string_view line) {
    if (auto event = parse_event(line)) {
      on_event(*event);
    } else if (!blank(line)) {
      spdlog::warn("podman events: skipping a line that is not a container event: {}", line);
    }
  };
  process_result result =
      stream_process_lines(command_line(events_args()), options(settings_.command_timeout), on_line, stop);
  if (stop.load()) return std::nullopt;
  return failure(result, runtime_reason::failed, "podman events ended");
}

}  // namespace orkest::podman
