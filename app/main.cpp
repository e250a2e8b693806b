// orkest: a Kubernetes-compatible container orchestrator for podman, in one process.

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <malloc.h>
#include <pthread.h>
#include <sys/resource.h>

#include "actors/control_plane.hpp"
#include "api/api_server.hpp"
#include "app/bootstrap.hpp"
#include "app/config.hpp"
#include "app/exposure.hpp"
#include "app/agent.hpp"
#include "app/host_facts.hpp"
#include "app/join_token.hpp"
#include "app/process_setup.hpp"
#include "app/runtime_choice.hpp"
#include "app/kubeconfig.hpp"
#include "podman/fake_runtime.hpp"
#include "store/sqlite_backend.hpp"
#include "podman/podman_runtime.hpp"

namespace {

using namespace orkest;

constexpr const char* usage = R"(usage: orkest [--config FILE] [--data-dir DIR] [--insecure] [--print-kubeconfig] [--help] [--version]
       orkest snapshot save FILE [--config FILE] [--data-dir DIR]
       orkest token [--config FILE] [--data-dir DIR]
       orkest agent --server URL --token TOKEN [--ca-cert FILE] [--node-name NAME] [--node-ip IP] [--config FILE] [--data-dir DIR]

A Kubernetes-compatible container orchestrator for podman: Pods, ReplicaSets and
Services through a subset of the Kubernetes REST API (default http://127.0.0.1:3000).

options:
  --config FILE   read the configuration from FILE
                  (default: conf/orkest.yaml of the source tree orkest was built from)
  --data-dir DIR  keep the database (orkest.db) in DIR instead of storage.dataDir
  --insecure      serve the API on a non-loopback address without api.token (anyone who
                  reaches it can run containers as root here); refused otherwise
  --print-kubeconfig
                  print a kubeconfig for this configuration's API (server, token, CA) and
                  exit; use it with kubectl:
                    orkest --print-kubeconfig > ~/.kube/orkest.yaml
                    KUBECONFIG=~/.kube/orkest.yaml kubectl get pods
  token           print the token node agents join this server with (api.token, else one
                  made once and kept in DIR/join-token)
  agent           run only a node, joined to the orkest server at --server with --token:
                  it registers its Node and runs the pods the server binds to it (with its
                  own runtime.network and runtime.subnet when it shares a host with another
                  node); --node-name and --node-ip override cluster.nodeName and cluster.nodeIP;
                  --ca-cert names the server's certificate (api.tlsCertFile) for https
  snapshot save FILE
                  write a consistent copy of the database (of a running orkest too) to FILE
                  and exit; to restore, stop orkest and put FILE in place of DIR/orkest.db
  --version       print orkest's version and exit
  --help          print this help and exit

Every object is kept in a SQLite database (storage.backend: sqlite). Stop orkest with SIGINT
(Ctrl-C) or SIGTERM: it shuts down cleanly and leaves pod containers running; the next start
loads the objects and adopts their containers.
)";

struct command_line {
  std::string config = std::string(ORKEST_SOURCE_DIR) + "/conf/orkest.yaml";
  bool help = false;
  bool version = false;
  bool print_kubeconfig = false;
  bool insecure = false;
  std::string data_dir;  // empty: the configuration's
  std::string snapshot_file;  // `snapshot save FILE`
  bool token = false;         // `token`
  bool agent = false;         // `agent`
  app::agent_options agent_options;
};

std::variant<command_line, std::string> parse_command_line(int argc, char** argv) {
  command_line parsed;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") parsed.help = true;
    else if (arg == "--version") parsed.version = true;
    else if (arg == "--print-kubeconfig") parsed.print_kubeconfig = true;
    else if (arg == "--insecure") parsed.insecure = true;
    else if (arg == "--config" && i + 1 < argc) parsed.config = argv[++i];
    else if (arg.rfind("--config=", 0) == 0) parsed.config = arg.substr(9);
    else if (arg == "--data-dir" && i + 1 < argc) parsed.data_dir = argv[++i];
    else if (arg.rfind("--data-dir=", 0) == 0) parsed.data_dir = arg.substr(11);
    else if (arg == "token" && i == 1) parsed.token = true;
    else if (arg == "agent" && i == 1) parsed.agent = true;
    else if (parsed.agent && arg == "--server" && i + 1 < argc) parsed.agent_options.server = argv[++i];
    else if (parsed.agent && arg == "--token" && i + 1 < argc) parsed.agent_options.token = argv[++i];
    else if (parsed.agent && arg == "--node-name" && i + 1 < argc) parsed.agent_options.node_name = argv[++i];
    else if (parsed.agent && arg == "--node-ip" && i + 1 < argc) parsed.agent_options.node_ip = argv[++i];
    else if (parsed.agent && arg == "--ca-cert" && i + 1 < argc) parsed.agent_options.ca_cert = argv[++i];
    else if (arg == "snapshot" && i + 2 < argc && std::string(argv[i + 1]) == "save") {
      parsed.snapshot_file = argv[i + 2];
      i += 2;
    } else if (arg == "snapshot") return std::string("usage: orkest snapshot save FILE");
    else return "unknown argument \"" + arg + "\" (see --help)";
  }
  return parsed;
}

// The storage backend of the configuration, opened before anything else starts: a database
// orkest cannot read stops it here, never an orkest that starts empty over it.
std::variant<std::shared_ptr<store::storage_backend>, std::string> open_storage(const app::config& c) {
  if (c.storage_backend == "memory") return std::shared_ptr<store::storage_backend>{};
  store::sqlite_options options;
  options.path = app::database_path(c.data_dir);
  options.full_sync = c.storage_full_sync;
  options.history = c.storage_history;
  auto opened = store::sqlite_backend::open(options);
  if (auto* error = std::get_if<std::string>(&opened)) return *error;
  return std::shared_ptr<store::storage_backend>(std::move(std::get<std::unique_ptr<store::sqlite_backend>>(opened)));
}

// Every proxied connection holds 2 descriptors, 6 once it splices: take all the kernel allows.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int run(const app::config& c) {
  // Before any thread starts: glibc gives each thread that allocates an arena of its own and
  // keeps what they free. The runtime's worker threads parse podman's inspect output, so with
  // 100 pods the default doubles orkest's RSS (74 MB against 37 MB, docs/performance.md).
  mallopt(M_ARENA_MAX, 2);
  spdlog::set_level(spdlog::level::from_str(c.log_level));
  for (const auto& warning : app::exposure_warnings(c)) spdlog::warn("{}", warning);
  raise_descriptor_limit();
  auto storage = open_storage(c);
  if (auto* error = std::get_if<std::string>(&storage)) {
    std::fprintf(stderr, "orkest: %s\n", error->c_str());
    return 1;
  }
  auto runtime = app::make_runtime(c);
  if (auto problem = app::ready_runtime(*runtime, c); !problem.empty()) {
    std::fprintf(stderr, "orkest: %s\n", problem.c_str());
    return 1;
  }
  // Signals are taken by sigwait below, so no thread may receive them first.
  sigset_t signals = app::block_stop_signals();
  caf::actor_system_config caf_config;
  app::configure_actor_system(caf_config);
  caf::actor_system system{caf_config};

  actors::control_plane_settings settings;
  settings.storage = std::get<std::shared_ptr<store::storage_backend>>(storage);
  settings.store.node_name = c.node_name;
  settings.node.node = app::describe_this_node(c, runtime->version(), true);
  settings.pods.pod.host_ip = settings.node.node.internal_ip;  // status.hostIP: the Node's InternalIP
  settings.node.renew_period = c.node_lease_renew;
  settings.node_grace_period = std::chrono::duration_cast<std::chrono::seconds>(c.node_grace_period);
  settings.events.ttl = c.events_ttl;
  settings.events.limit = static_cast<std::size_t>(c.events_limit);
  settings.store.service_cidr = c.service_cidr;
  settings.store.node_port_first = c.node_port_first;
  settings.store.node_port_last = c.node_port_last;
  settings.store.limits.service_ports_below_1024 = c.host_ports_below_1024;
  settings.store.limits.reserved_ports = {c.api_port};
  settings.store.limits.max_pods = static_cast<std::size_t>(c.max_pods);
  settings.store.limits.allow_privileged = c.allow_privileged;
  settings.store.limits.host_path_allowed = c.host_path_allowed;
  settings.pods.pod.network = c.network;
  settings.services.host_address = c.service_host_address;
  settings.services.cluster_ips_on_loopback = c.cluster_ips_on_loopback;
  settings.services.max_connections_per_port = static_cast<std::size_t>(c.max_connections_per_port);
  settings.dns_ip = c.dns_ip;
  settings.cluster_domain = c.cluster_domain;
  settings.pods.pod.runtime_timeout = std::chrono::duration_cast<std::chrono::seconds>(c.runtime_command_timeout) * 2;
  settings.resync_period = c.resync_period;
  settings.runtime_workers = c.runtime_workers;
  settings.pod_subnet = c.subnet;
  if (settings.pod_subnet.empty()) {
    // The network's own subnet: orkest still picks each pod's address, so the pod knows it
    // (status.podIP in its environment) before its container starts.
    auto subnet = runtime->network_subnet(c.network);
    if (auto* found = std::get_if<std::string>(&subnet)) settings.pod_subnet = *found;
    if (!settings.pod_subnet.empty())
      spdlog::info("pods get addresses from {}, the subnet of network {}", settings.pod_subnet, c.network);
  }
  settings.node.node.pod_cidr = settings.pod_subnet;  // this node's podCIDR: its own pod network's
  settings.ipam.cluster_cidr = c.pod_cidr;
  settings.ipam.node_mask_size = c.node_cidr_mask_size;
  settings.pods_dir = c.data_dir + "/pods";
  if (c.runtime == "podman") settings.pod_routes = actors::host_route_table();  // host-gw to agents' pods
  settings.keep_client_addresses = c.runtime == "podman";
  settings.storage_dir = c.data_dir + "/storage";
  settings.store.limits.provisioned_volumes_dir = settings.storage_dir;
  // Endpoints and Service backends only ever take pod network addresses (not the host's own).
  settings.services.pod_addresses =
      control::pod_address_policy(c.subnet, c.service_cidr, c.pod_cidr, c.node_cidr_mask_size);
  auto plane = actors::start_control_plane(system, runtime, settings);

  api::server_settings server;
  server.address = c.api_address;
  server.port = c.api_port;
  server.threads = c.api_threads;
  server.request_timeout = c.request_timeout;
  server.read_timeout = c.read_timeout;
  server.watch_timeout = c.watch_timeout;
  server.connections.idle_timeout = c.idle_timeout;
  server.connections.max_connections = static_cast<std::size_t>(c.max_connections);
  server.max_streams = static_cast<std::size_t>(c.max_watches);
  server.handler.max_body_bytes = c.max_body_bytes;
  server.handler.bearer_token = c.api_token;
  auto join = app::join_token(c);
  if (!join.error.empty()) spdlog::warn("node agents cannot join: {}", join.error);
  server.handler.join_token = join.token;
  server.tls_cert_file = c.tls_cert_file;
  server.tls_key_file = c.tls_key_file;
  api::log_source logs;
  logs.runtime = plane.runtime;
  logs.streaming = runtime;
  logs.timeout = c.runtime_command_timeout;
  logs.max_follows = static_cast<std::size_t>(c.max_log_follows);
  logs.node_name = c.node_name;  // other nodes' pods are read from their agents
  logs.node_token = c.api_token.empty() ? join.token : c.api_token;
  api::api_server api{system, plane.store, server, logs};
  try {
    api.start();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "orkest: %s\n", error.what());
    plane.shutdown();
    return 1;
  }

  api::store_client bootstrap_client{system, plane.store, c.request_timeout};
  auto report = app::apply_manifests(c.manifests, bootstrap_client);
  spdlog::info("orkest serves the Kubernetes API on {}://{}:{} (runtime {}, storage {}, {} bootstrap objects{})",
               c.tls_cert_file.empty() ? "http" : "https", c.api_address, api.port(), runtime->name(),
               c.storage_backend == "memory" ? std::string("in memory") : app::database_path(c.data_dir),
               report.created + report.updated + report.unchanged,
               report.failed ? ", " + std::to_string(report.failed) + " failed" : "");

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("orkest: {} received, shutting down", strsignal(received));
  api.stop();
  plane.shutdown();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = parse_command_line(argc, argv);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    std::fprintf(stderr, "orkest: %s\n", error->c_str());
    return 2;
  }
  const auto& options = std::get<command_line>(parsed);
  if (options.help) {
    std::cout << usage;
    return 0;
  }
  if (options.version) {
    std::cout << "orkest " << ORKEST_VERSION << " (Kubernetes API v1.32 subset)\n";
    return 0;
  }
  auto loaded = app::load_config(options.config);
  if (auto* error = std::get_if<std::string>(&loaded)) {
    std::fprintf(stderr, "orkest: %s\n", error->c_str());
    return 2;
  }
  if (options.print_kubeconfig) {
    std::cout << app::kubeconfig_for(std::get<app::config>(loaded));
    return 0;
  }
  auto& c = std::get<app::config>(loaded);
  if (!options.data_dir.empty()) c.data_dir = std::filesystem::absolute(options.data_dir).lexically_normal().string();
  if (!options.snapshot_file.empty()) {
    if (c.storage_backend == "memory") {
      std::fprintf(stderr, "orkest: storage.backend is memory: there is no database to copy\n");
      return 1;
    }
    if (auto error = store::sqlite_backend::save_snapshot(app::database_path(c.data_dir), options.snapshot_file)) {
      std::fprintf(stderr, "orkest: %s\n", error->c_str());
      return 1;
    }
    std::printf("orkest: saved a snapshot of %s to %s\n", app::database_path(c.data_dir).c_str(),
                options.snapshot_file.c_str());
    return 0;
  }
  if (options.token) {
    auto token = app::join_token(c);
    if (!token.error.empty()) {
      std::fprintf(stderr, "orkest: %s\n", token.error.c_str());
      return 1;
    }
    std::printf("%s\n", token.token.c_str());
    return 0;
  }
  if (options.agent) {
    if (auto problem = app::agent_options_problem(options.agent_options); !problem.empty()) {
      std::fprintf(stderr, "orkest agent: %s\n", problem.c_str());
      return 2;
    }
    return app::run_agent(c, options.agent_options);
  }
  if (auto refusal = app::exposure_refusal(c, options.insecure)) {
    std::fprintf(stderr, "orkest: %s\n", refusal->c_str());
    return 2;
  }
  return run(c);
}
