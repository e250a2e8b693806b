#include "podman/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace orkest::podman {
namespace {

// How long one wait for output may block before we look at the clock, the stop flag and the
// child's exit status again.
constexpr int poll_interval_ms = 100;

class fd_closer {
 public:
  explicit fd_closer(int fd = -1) : fd_(fd) {}
  ~fd_closer() { reset(); }
  fd_closer(const fd_closer&) = delete;
  fd_closer& operator=(const fd_closer&) = delete;
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

// Both ends close-on-exec: other threads spawning their own children at the same moment must
// not inherit our write end, or our reader would wait for their child to exit too.
bool make_pipe(fd_closer& read_end, fd_closer& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  return true;
}

std::vector<std::string> child_environment(const environment& overrides) {
  std::vector<std::string> result;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    bool overridden = false;
    for (const auto& [key, value] : overrides)
      if (entry.size() > key.size() && entry.compare(0, key.size(), key) == 0 && entry[key.size()] == '=')
        overridden = true;
    if (!overridden) result.emplace_back(entry);
  }
  for (const auto& [key, value] : overrides) result.push_back(key + "=" + value);
  return result;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

// Kills and reaps the child if the caller's callback throws, so no podman is left running.
class child_reaper {
 public:
  explicit child_reaper(pid_t pid) : pid_(pid) {}
  ~child_reaper() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  child_reaper(const child_reaper&) = delete;
  child_reaper& operator=(const child_reaper&) = delete;
  void reaped() { pid_ = -1; }

 private:
  pid_t pid_;
};

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Reads what is available now; returns false at end of file.
bool read_available(int fd, const std::function<void(std::string_view)>& sink) {
  char buffer[16384];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      sink(std::string_view(buffer, static_cast<size_t>(n)));
    } else if (n == 0) {
      return false;
    } else if (errno != EINTR) {
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
  }
}

// Starts argv with stdin from /dev/null and stdout/stderr on the given descriptors, in a
// process group of its own, so that killing the group also ends what it started in the
// foreground (a shell's `sleep`, say); podman's conmon and aardvark-dns call setsid() and are
// never hit. Returns 0 or the errno of the failure.
int spawn(const std::vector<std::string>& argv, const environment& overrides, int out_fd, int err_fd,
          pid_t& pid) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  // orkest's own sockets (the API's listening socket is not close-on-exec) must not live on
  // in a long-running child such as `podman events`: after a crash they would hold the port.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  // Signals ignored or blocked in this process (servers often ignore SIGPIPE; threads may
  // block signals) would otherwise be inherited by the child.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

  std::vector<std::string> args = argv;
  std::vector<std::string> env = child_environment(overrides);
  std::vector<char*> c_args = c_strings(args);
  std::vector<char*> c_env = c_strings(env);
  int error = ::posix_spawnp(&pid, c_args[0], &actions, &attributes, c_args.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return error;
}

// Starts argv and pumps its output into the sinks until it exits or should_kill() returns
// true (checked every poll interval), in which case its whole process group gets SIGKILL.
process_result supervise(const std::vector<std::string>& argv, const process_options& options,
                         const std::function<void(std::string_view)>& on_out,
                         const std::function<void(std::string_view)>& on_err,
                         const std::function<bool()>& should_kill) {
  process_result result;
  if (argv.empty()) {
    result.spawn_error = "empty command line";
    return result;
  }
  fd_closer out_read, out_write, err_read, err_write;
  if (!make_pipe(out_read, out_write) || (!options.merge_stderr && !make_pipe(err_read, err_write))) {
    result.spawn_error = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  pid_t pid = -1;
  int spawn_errno = spawn(argv, options.env, out_write.get(),
                          options.merge_stderr ? out_write.get() : err_write.get(), pid);
  // Only the child may hold the write ends now, so end of file means it is done writing.
  out_write.reset();
  err_write.reset();
  if (spawn_errno != 0) {
    result.spawn_error = "cannot run " + argv[0] + ": " + std::strerror(spawn_errno);
    return result;
  }

  child_reaper reaper(pid);
  int status = 0;
  while (true) {
    if (should_kill()) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      reaper.reaped();
      result.killed = true;
      break;
    }
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      reaper.reaped();
      // Whatever the child wrote is in the pipes now; take it without waiting for end of
      // file, which never comes if something it started still holds the pipe open.
      if (out_read.get() >= 0) read_available(out_read.get(), on_out);
      if (err_read.get() >= 0) read_available(err_read.get(), on_err);
      break;
    }
    pollfd fds[2];
    nfds_t count = 0;
    for (int fd : {out_read.get(), err_read.get()})
      if (fd >= 0) fds[count++] = pollfd{fd, POLLIN, 0};
    // With both pipes closed only the exit is left to wait for: check it often.
    int ready = ::poll(count ? fds : nullptr, count, count ? poll_interval_ms : 5);
    if (ready <= 0) continue;
    for (nfds_t i = 0; i < count; ++i) {
      if (!fds[i].revents) continue;
      bool is_out = fds[i].fd == out_read.get();
      if (!read_available(fds[i].fd, is_out ? on_out : on_err)) (is_out ? out_read : err_read).reset();
    }
  }
  result.exit_code = decode_status(status);
  return result;
}

std::function<bool()> deadline_passed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  return [deadline] { return std::chrono::steady_clock::now() >= deadline; };
}

}  // namespace

process_result run_process(const std::vector<std::string>& argv, const process_options& options) {
  std::string out, err;
  bool full = false;  // the output reached its cap: the child need not go on
  auto on_out = [&](std::string_view data) {
    if (options.max_output_bytes && out.size() + data.size() >= options.max_output_bytes) {
      data = data.substr(0, options.max_output_bytes - out.size());
      full = true;
    }
    out.append(data);
  };
  auto deadline = deadline_passed(options.timeout);
  process_result result = supervise(
      argv, options, on_out, [&](std::string_view data) { err.append(data); }, [&] { return full || deadline(); });
  if (full && result.killed) {
    result.killed = false;
    result.truncated = true;
    result.exit_code = 0;
  }
  result.out = std::move(out);
  result.err = std::move(err);
  return result;
}

process_result stream_process_lines(const std::vector<std::string>& argv, const process_options& options,
                                    const std::function<void(std::string_view)>& on_line,
                                    const std::atomic<bool>& stop) {
  std::string pending;  // a line whose end has not arrived yet
  std::string err;
  auto on_out = [&](std::string_view data) {
    pending.append(data);
    size_t start = 0;
    for (size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1)
      on_line(std::string_view(pending).substr(start, end - start));
    pending.erase(0, start);
  };
  process_result result = supervise(
      argv, options, on_out, [&](std::string_view data) { err.append(data); }, [&] { return stop.load(); });
  if (!pending.empty() && !result.killed) on_line(pending);
  result.err = std::move(err);
  return result;
}

}  // namespace orkest::podman
