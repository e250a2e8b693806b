#pragma once
// Running a program as a child process: argv in, exit status and output out, never a hang.
// The podman adapter shells out for every call; this is the only place that forks.

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orkest::podman {

// Variables set in the child on top of (or replacing) this process's environment. Passed
// explicitly to each child so no thread has to mutate the global environment.
using environment = std::vector<std::pair<std::string, std::string>>;

struct process_options {
  environment env;
  // The child (and its process group) gets SIGKILL when it runs longer than this.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  // Send the child's stderr into the same pipe as stdout, keeping their relative order
  // (podman logs writes a container's stdout and stderr to its own stdout and stderr).
  bool merge_stderr = false;
  // run_process: stop reading stdout past this many bytes and end the child (0: read it all).
  std::size_t max_output_bytes = 0;
};

struct process_result {
  std::string spawn_error;  // set when the program could not be started at all
  bool killed = false;      // we killed it: the timeout passed, or a stop was requested
  bool truncated = false;   // out reached max_output_bytes and the child was ended (not killed)
  int exit_code = -1;       // exit status; 128 + N when ended by signal N
  std::string out;          // stdout (run_process only; streamed output is not kept)
  std::string err;          // stderr (empty with merge_stderr)

  // It ran and ended by itself, whatever its exit code.
  bool finished() const { return spawn_error.empty() && !killed; }
  bool ok() const { return finished() && exit_code == 0; }
};

// Runs argv (argv[0] is looked up in PATH) to completion with stdin from /dev/null and
// returns what it printed, at most options.max_output_bytes of stdout when that is set.
process_result run_process(const std::vector<std::string>& argv, const process_options& options);

// Runs a long-lived argv, calling on_line for every line of its stdout (without the newline)
// as it arrives, until it exits or `stop` becomes true; then it is killed. `stop` is checked at
// least every 100 ms. options.timeout is ignored: the stream may run forever.
process_result stream_process_lines(const std::vector<std::string>& argv, const process_options& options,
                                    const std::function<void(std::string_view)>& on_line,
                                    const std::atomic<bool>& stop);

}  // namespace orkest::podman
