#pragma once
// Command lines for the podman CLI (without the binary itself), built as pure functions so
// their shape can be tested without podman. Values from the API are user input: every option
// carries its value in the same word (`--env=K=V`), and `--` ends the options before the image,
// so no user-supplied string can stand where podman reads an option.

#include <string>
#include <vector>

#include "podman/container_runtime.hpp"

namespace orkest::podman {

// `podman create` for one pod's container, with Kubernetes semantics: `command` replaces the
// image's ENTRYPOINT (and, as in Kubernetes, drops its CMD), `args` replaces its CMD.
// The container never restarts by itself (orkest does that, counting restarts) and never
// pulls (podman_runtime::create applies the pull policy first). Ports are informational: pods are reached
// on their network address, nothing is published on the host.
std::vector<std::string> create_args(const container_spec& spec);

// `podman run --detach` with the same container arguments: created and started by one process.
std::vector<std::string> run_args(const container_spec& spec);

// The arguments after `create`/`run` and the name options: network, DNS, labels, env, then
// `--`, the image and its args.
void append_container_args(std::vector<std::string>& args, const container_spec& spec);

// `podman ps` of every container, running or not, carrying all of the labels: full ids, one a
// line (their state then comes from one `podman container inspect`, which unlike ps
// reports addresses and OOM kills).
std::vector<std::string> list_args(const label_map& labels);

// `podman logs`, stdout and stderr of the container interleaved.
// `follow`: keep printing new output until the container stops (podman logs --follow).
std::vector<std::string> logs_args(const std::string& id, const log_options& options, bool follow = false);

// `podman events` for containers orkest manages, as JSON lines, until killed.
std::vector<std::string> events_args();

// podman exec -- ID argv...: argv goes to podman as separate words, never through a shell.
std::vector<std::string> exec_args(const std::string& id, const std::vector<std::string>& argv);

}  // namespace orkest::podman
