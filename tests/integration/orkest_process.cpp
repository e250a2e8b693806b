#include "orkest_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#ifndef ORKEST_BINARY
#error "ORKEST_BINARY must name the orkest binary under test"
#endif
#ifndef ORKEST_SOURCE_DIR
#error "ORKEST_SOURCE_DIR must name the source folder"
#endif

namespace orkest::itest {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string source_dir() { return ORKEST_SOURCE_DIR; }
std::string orkest_binary() {
  // ORKEST_ITEST_BINARY runs the tests against another build of orkest.
  const char* other = std::getenv("ORKEST_ITEST_BINARY");
  return other && *other ? other : ORKEST_BINARY;
}

namespace {

std::string containers_conf() { return source_dir() + "/conf/containers.conf"; }

// Waits for `pid` until `limit`; true (and the status) if it ended.
bool wait_for_exit(int pid, std::chrono::milliseconds limit, int* status) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    int result = ::waitpid(pid, status, WNOHANG);
    if (result == pid) return true;
    if (result < 0 && errno != EINTR) return true;  // not our child any more
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

// The podman calls a running orkest has made: each runs in a process group of its own
// (podman/process.cpp), so they outlive an orkest that is SIGKILLed.
std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> children;
  std::error_code error;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", error)) {
    std::ifstream list(task.path() / "children");
    for (pid_t child; list >> child;) children.push_back(child);
  }
  return children;
}

std::vector<std::string> argv_of(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> words;
  for (std::string word; std::getline(file, word, '\0');) words.push_back(word);
  return words;
}

// `podman events` and `podman logs --follow` run until they next write into the pipe of the
// dead orkest; they change nothing, so they need not be waited for.
bool is_stream(const std::vector<std::string>& argv) {
  if (argv.size() > 1 && argv[1] == "events") return true;
  return argv.size() > 1 && argv[1] == "logs" && std::find(argv.begin(), argv.end(), "--follow") != argv.end();
}

bool has_ended(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  auto name_end = line.rfind(')');  // the state follows the parenthesised command name
  return name_end == std::string::npos || name_end + 2 >= line.size() || line[name_end + 2] == 'Z';
}

void kill_group(pid_t leader) {
  if (::getpgid(leader) == leader) ::kill(-leader, SIGKILL);
}

// SIGKILLs orkest as a crash would end it, then lets the podman calls it had made finish
// (bounded): one finishing after the test's clean-up could leave a container, or recreate
// the bridge of the removed pod network, holding its subnet against the next test.
void kill_and_let_its_calls_finish(pid_t pid, std::chrono::seconds limit = 60s) {
  auto calls = children_of(pid);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (pid_t call : calls) {
    if (is_stream(argv_of(call))) {
      kill_group(call);
      continue;
    }
    while (!has_ended(call) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
    if (!has_ended(call)) kill_group(call);
  }
}

std::vector<char*> c_argv(std::vector<std::string>& words) {
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  return argv;
}

// IPv4 addresses currently on the loopback interface (getifaddrs names each by its label:
// "lo", or "lo:orkest" for orkest's).
std::set<std::string> loopback_addresses() {
  std::set<std::string> addresses;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return addresses;
  for (auto* entry = list; entry; entry = entry->ifa_next) {
    if (!entry->ifa_addr || entry->ifa_addr->sa_family != AF_INET) continue;
    if (std::strcmp(entry->ifa_name, "lo") != 0 && std::strncmp(entry->ifa_name, "lo:", 3) != 0) continue;
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(entry->ifa_addr)->sin_addr, text, sizeof text);
    addresses.insert(text);
  }
  ::freeifaddrs(list);
  return addresses;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error(std::string("cannot find a free port: ") + std::strerror(errno));
  }
  ::close(fd);
  return ntohs(address.sin_port);
}


command_result run_command(const std::vector<std::string>& argv_in, std::chrono::milliseconds limit) {
  command_result result;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return result;
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return result;
  }
  std::vector<std::string> words = argv_in;
  auto argv = c_argv(words);
  // The environment is prepared before fork: the child only calls async-signal-safe functions.
  std::vector<std::string> environment{"CONTAINERS_CONF=" + containers_conf()};
  for (char** variable = environ; *variable; ++variable)
    if (std::strncmp(*variable, "CONTAINERS_CONF=", 16) != 0) environment.emplace_back(*variable);
  auto envp = c_argv(environment);
  int pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::execvpe(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (pid < 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    result.err = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  auto deadline = std::chrono::steady_clock::now() + limit;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_pipes = 2;
  bool timed_out = false;
  char buffer[8192];
  while (open_pipes > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    int ready = ::poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      auto n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
  for (auto& fd : fds)
    if (fd.fd >= 0) ::close(fd.fd);
  int status = 0;
  if (timed_out) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    result.err += "\n(killed after " + std::to_string(limit.count()) + " ms)";
    return result;
  }
  if (!wait_for_exit(pid, std::chrono::milliseconds(5000), &status)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return result;
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

command_result podman(const std::vector<std::string>& args, std::chrono::milliseconds limit) {
  std::vector<std::string> argv{"podman"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, limit);
}

std::string ensure_example_images() {
  bool present = podman({"image", "exists", "localhost/health:latest"}).ok() &&
                 podman({"image", "exists", "localhost/ping:latest"}).ok();
  if (present) return {};
  auto built = run_command({"bash", source_dir() + "/scripts/build-example-images.sh"}, std::chrono::seconds(300));
  if (!built.ok()) return "scripts/build-example-images.sh failed: " + built.out + built.err;
  return {};
}

// ---- orkest_process -------------------------------------------------------------------------

orkest_process::orkest_process(orkest_options options) : options_(std::move(options)) {
  static std::atomic<int> instances{0};
  int instance = instances++;
  char folder_template[] = "/tmp/orkest-itest-XXXXXX";
  if (!::mkdtemp(folder_template)) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  folder_ = folder_template;
  fs::create_directories(folder_ + "/manifests");
  config_path_ = folder_ + "/orkest.yaml";
  log_path_ = folder_ + "/orkest.log";
  auto id = std::to_string(::getpid()) + "-" + std::to_string(instance);
  node_name_ = "itest-" + id;
  network_ = "orkest-itest-" + id;
  port_ = free_port();
  choose_slot();
  write_config();
}

orkest_process::~orkest_process() {
  try {
    clean_up();
  } catch (...) {
  }
  std::error_code ignored;
  if (!std::getenv("ORKEST_ITEST_KEEP")) fs::remove_all(folder_, ignored);
  if (slot_lock_fd_ >= 0) ::close(slot_lock_fd_);  // releases the flock
}

// A slot k gives the pod subnet 10.89.(200+k).0/24 and the Service CIDR 10.96.(200+k).0/24
// (cluster DNS at .10). The lock file keeps other test processes (and the end-to-end script,
// which uses the same files) off it; a subnet some podman network or a host route already
// uses is skipped (podman refuses to create a network on it).
void orkest_process::choose_slot() {
  auto networks = podman({"network", "ls", "--format", "{{range .Subnets}}{{.Subnet}} {{end}}"});
  std::set<std::string> used;
  std::istringstream words(networks.out);
  for (std::string word; words >> word;) used.insert(word);
  std::istringstream routes(run_command({"ip", "-4", "route", "show"}).out);
  for (std::string route; std::getline(routes, route);) used.insert(route.substr(0, route.find(' ')));
  constexpr int slots = 55;
  int first = ::getpid() % slots;
  for (int i = 0; i < slots; ++i) {
    int k = (first + i) % slots;
    auto subnet = "10.89." + std::to_string(200 + k) + ".0/24";
    if (used.count(subnet)) continue;
    auto lock_path = "/tmp/orkest-itest-slot-" + std::to_string(k) + ".lock";
    int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      continue;
    }
    slot_ = k;
    slot_lock_fd_ = fd;
    subnet_ = subnet;
    service_cidr_ = "10.96." + std::to_string(200 + k) + ".0/24";
    dns_ip_ = "10.96." + std::to_string(200 + k) + ".10";
    return;
  }
  throw std::runtime_error("no free integration-test slot (subnets 10.89.200-254.0/24 all taken)");
}

void orkest_process::write_config() {
  std::ofstream config(config_path_);
  config << "# written by the integration tests (tests/integration/orkest_process.cpp)\n"
         << "api:\n  address: 127.0.0.1\n  port: " << port_ << "\n  requestTimeoutSeconds: 10\n"
         << "log:\n  level: " << options_.log_level << "\n"
         << "reconcile:\n  periodSeconds: " << options_.reconcile_seconds << "\n"
         << "runtime:\n  kind: podman\n  containersConf: " << containers_conf() << "\n  network: " << network_
         << "\n  subnet: \"" << (options_.configured_subnet ? subnet_ : std::string{}) << "\"\n  commandTimeoutSeconds: 60\n"
         << "cluster:\n  nodeName: " << node_name_ << "\n  serviceCIDR: " << service_cidr_ << "\n  dnsIP: " << dns_ip_
         // Its agents' pod networks: /28 blocks of a /24 of this slot's own.
         << "\n  podCIDR: 10.43." << (200 + slot_) << ".0/24\n  nodeCIDRMaskSize: 28\n"
         << (options_.node_grace_seconds > 0
                 ? "nodes:\n  leaseRenewSeconds: 1\n  gracePeriodSeconds: " + std::to_string(options_.node_grace_seconds) + "\n"
                 : std::string{})
         << "services:\n  hostAddress: 127.0.0.1\n"
         << "storage:\n  dataDir: " << folder_ << "/data\n"
         << "security:\n  hostPathAllowed: [" << folder_ << "/host]\n"
         << "bootstrap:\n  manifests: " << folder_ << "/manifests\n";
  if (!config) throw std::runtime_error("cannot write " + config_path_);
}

std::string orkest_process::join_token() const {
  std::ifstream file(folder_ + "/data/join-token");
  std::string token;
  std::getline(file, token);
  return token;
}

void orkest_process::add_manifest(const std::string& file_name, const std::string& content) {
  std::ofstream file(folder_ + "/manifests/" + file_name);
  file << content;
  if (!file) throw std::runtime_error("cannot write manifest " + file_name);
}

std::string orkest_process::start(std::chrono::milliseconds limit) {
  if (pid_ > 0) return "orkest is already running";
  std::vector<std::string> words{orkest_binary(), "--config", config_path_};
  if (options_.agent)
    words = {orkest_binary(), "agent", "--config", config_path_, "--server",
             "http://127.0.0.1:" + std::to_string(options_.agent->server_port), "--token", options_.agent->token,
             "--node-name", node_name_};
  // Line-buffered output, so the log keeps what orkest wrote even when a test SIGKILLs it.
  if (::access("/usr/bin/stdbuf", X_OK) == 0) words.insert(words.begin(), {"/usr/bin/stdbuf", "-oL", "-eL"});
  auto argv = c_argv(words);
  int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return "cannot open " + log_path_ + ": " + std::strerror(errno);
  std::string banner = "==== orkest started by the integration tests (" + config_path_ + ") ====\n";
  (void)!::write(log_fd, banner.data(), banner.size());
  int parent = ::getpid();
  int pid = ::fork();
  if (pid == 0) {
    // Should the test process die without its destructors, orkest ends too.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  if (pid < 0) return std::string("fork: ") + std::strerror(errno);
  pid_ = pid;

  std::string why = options_.agent ? "the agent's Node was not registered within " + std::to_string(limit.count()) + " ms"
                                   : "/readyz did not answer 200 within " + std::to_string(limit.count()) + " ms";
  auto client = http_client(options_.agent ? options_.agent->server_port : port_, std::chrono::seconds(2));
  const std::string ready_path = options_.agent ? "/api/v1/nodes/" + node_name_ : "/readyz";
  bool ready = eventually(
      [&] {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          why = "orkest exited during start-up (" +
                (WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                   : "signal " + std::to_string(WTERMSIG(status))) +
                ")";
          pid_ = -1;
          return true;
        }
        return client.get(ready_path).status == 200;
      },
      limit);
  if (pid_ < 0) return why;
  return ready ? std::string{} : why;
}

bool orkest_process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void orkest_process::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  if (!wait_for_exit(pid_, grace, &status)) {
    kill_and_let_its_calls_finish(pid_);
    std::ofstream(log_path_, std::ios::app) << "==== the integration tests killed orkest: no exit within "
                                            << grace.count() << " ms of SIGTERM ====\n";
  }
  pid_ = -1;
}

void orkest_process::kill() {
  if (pid_ <= 0) return;
  kill_and_let_its_calls_finish(pid_);
  pid_ = -1;
  std::ofstream(log_path_, std::ios::app) << "==== SIGKILL by the integration tests ====\n";
}

std::string orkest_process::log() const {
  std::ifstream file(log_path_);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::string> orkest_process::container_ids(const std::map<std::string, std::string>& labels) const {
  std::vector<std::string> args{"ps", "--all", "--quiet", "--no-trunc", "--filter", "label=io.orkest.node=" + node_name_};
  for (const auto& [key, value] : labels) args.insert(args.end(), {"--filter", "label=" + key + "=" + value});
  auto listed = podman(args);
  if (!listed.ok()) throw std::runtime_error("podman ps failed: " + listed.err);
  return lines_of(listed.out);
}

nlohmann::json orkest_process::inspect(const std::string& id_or_name) {
  auto result = podman({"container", "inspect", id_or_name});
  if (!result.ok()) return nullptr;
  auto parsed = nlohmann::json::parse(result.out, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array() || parsed.empty()) return nullptr;
  return parsed[0];
}

void orkest_process::clean_up() {
  stop();
  // Only containers labelled with this orkest's own node name: never anybody else's.
  std::vector<std::string> ids;
  try {
    ids = container_ids();
  } catch (...) {
  }
  if (!ids.empty()) {
    std::vector<std::string> args{"rm", "--force", "--time", "0"};
    args.insert(args.end(), ids.begin(), ids.end());
    podman(args, std::chrono::seconds(120));
  }
  run_command({"bash", source_dir() + "/scripts/remove-pod-network.sh", network_}, 120s);
  // A SIGKILLed orkest leaves its DNS address and Services' cluster IPs on lo: all in this
  // instance's own Service CIDR.
  auto prefix = service_cidr_.substr(0, service_cidr_.rfind('.') + 1);
  for (const auto& address : loopback_addresses())
    if (address.rfind(prefix, 0) == 0) run_command({"ip", "addr", "del", address + "/32", "dev", "lo"});
  // Pods' tmpfs volumes (memory emptyDirs, secrets) outlive an orkest that stopped with its pods
  // running: unmounted here, only those inside this instance's own folder, before it is removed.
  std::ifstream mounts("/proc/mounts");
  std::vector<std::string> ours;
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream fields(line);
    std::string device, mount_point;
    fields >> device >> mount_point;
    if (mount_point.rfind(folder_ + "/", 0) == 0) ours.push_back(mount_point);
  }
  for (auto it = ours.rbegin(); it != ours.rend(); ++it) ::umount2(it->c_str(), MNT_DETACH);
}

}  // namespace orkest::itest
