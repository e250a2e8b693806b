#include "app/agent.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstring>
#include <pthread.h>
#include <thread>
#include <unistd.h>

#include "actors/node_agent.hpp"
#include "actors/node_services.hpp"
#include "actors/remote_store.hpp"
#include "api/api_server.hpp"
#include "model/json_access.hpp"
#include "model/name_rules.hpp"
#include "app/host_facts.hpp"
#include "app/process_setup.hpp"
#include "app/runtime_choice.hpp"
#include "client/api_client.hpp"
#include "control/ip_allocator.hpp"
#include "control/pod_address_policy.hpp"
#include "probe/network_prober.hpp"

namespace orkest::app {

std::string agent_options_problem(const agent_options& options) {
  if (options.server.rfind("http://", 0) != 0 && options.server.rfind("https://", 0) != 0)
    return "--server must be the server's API URL (http://HOST:PORT or https://HOST:PORT)";
  if (options.token.empty()) return "--token is required (print it on the server with `orkest token`)";
  if (!options.ca_cert.empty() && ::access(options.ca_cert.c_str(), R_OK) != 0)
    return "--ca-cert " + options.ca_cert + ": cannot read it";
  if (!options.node_name.empty())
    if (auto problems = model::name_rules::dns1123_subdomain(options.node_name); !problems.empty())
      return "--node-name \"" + options.node_name + "\" " + problems.front();
  if (!options.node_ip.empty() && !control::parse_ipv4(options.node_ip))
    return "--node-ip \"" + options.node_ip + "\" is not an IPv4 address";
  return {};
}

namespace {

// Registers the Node (or finds the one an earlier run left) and waits, bounded, for the podCIDR
// the server's node IPAM writes into it; "" when none came.
std::string register_and_wait_for_pod_cidr(const client::api_endpoint& endpoint, const control::node_description& node) {
  client::api_client api(endpoint);
  api.create("Node", "", control::node_object(node, std::chrono::system_clock::now()));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    auto found = api.get({"Node", "", node.name});
    if (found.ok()) {
      auto cidr = model::string_member(model::member_or_null(found.object, "spec"), "podCIDR");
      if (!cidr.empty()) return cidr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return {};
}

}  // namespace

int run_agent(config c, const agent_options& options) {
  spdlog::set_level(spdlog::level::from_str(c.log_level));
  if (!options.node_name.empty()) c.node_name = options.node_name;
  if (!options.node_ip.empty()) c.node_ip = options.node_ip;
  std::string server = options.server;
  while (!server.empty() && server.back() == '/') server.pop_back();
  client::api_endpoint endpoint{server, options.token, c.request_timeout, options.ca_cert};

  // The server and the token first: an agent that cannot join says why and stops.
  {
    client::api_client probe(endpoint);
    auto answer = probe.get({"Node", "", c.node_name});
    if (!answer.ok() && answer.error->code != 404) {
      std::fprintf(stderr, "orkest agent: cannot join %s: %s (%d %s)\n", server.c_str(), answer.error->message.c_str(),
                   answer.error->code, answer.error->reason.c_str());
      return 1;
    }
  }
  auto runtime = make_runtime(c);
  auto description = describe_this_node(c, runtime->version(), false);
  description.kubelet_port = c.kubelet_port;
  // The pod network is the block of the cluster's pod CIDR the server gives this node.
  auto pod_cidr = register_and_wait_for_pod_cidr(endpoint, description);
  if (pod_cidr.empty()) {
    std::fprintf(stderr, "orkest agent: the server gave node %s no podCIDR within 30 s (is its cluster.podCIDR full?)\n",
                 c.node_name.c_str());
    return 1;
  }
  try {
    control::ip_allocator{pod_cidr};  // what the runtime actor will pick addresses from
  } catch (const std::invalid_argument&) {
    std::fprintf(stderr, "orkest agent: node %s's podCIDR \"%s\" is not an IPv4 CIDR from /8 to /29\n",
                 c.node_name.c_str(), pod_cidr.c_str());
    return 1;
  }
  c.subnet = description.pod_cidr = pod_cidr;
  if (auto problem = ready_runtime(*runtime, c); !problem.empty()) {
    std::fprintf(stderr, "orkest agent: %s\n", problem.c_str());
    return 1;
  }
  description.container_runtime_version = runtime->version();  // known once the runtime was checked
  sigset_t signals = block_stop_signals();
  caf::actor_system_config caf_config;
  configure_actor_system(caf_config);
  caf::actor_system system{caf_config};

  auto store = actors::spawn_remote_store(system, endpoint);
  actors::event_recorder_settings recording;
  recording.sweeps = false;  // the server's recorder keeps the Events in bounds
  auto events = actors::spawn_event_recorder(system, store, recording);

  // Every Service on this machine too, as kube-proxy: listeners here, backends on any node;
  // and the cluster DNS for this machine's pods. The server publishes Endpoints and status.
  actors::node_services_settings services;
  services.services.host_address = c.service_host_address;
  services.services.cluster_ips_on_loopback = c.cluster_ips_on_loopback;
  services.services.max_connections_per_port = static_cast<std::size_t>(c.max_connections_per_port);
  services.services.pod_addresses =
      control::pod_address_policy(c.subnet, c.service_cidr, c.pod_cidr, c.node_cidr_mask_size);
  services.services.publishes_state = false;
  services.services.events = events;
  services.services.node_name = c.node_name;
  services.service_cidr = c.service_cidr;
  services.dns_ip = c.dns_ip;
  services.cluster_domain = c.cluster_domain;
  services.resync_period = c.resync_period;
  services.pod_networks = {c.subnet, c.pod_cidr};
  services.keep_client_addresses = c.runtime == "podman";
  auto proxy = actors::start_node_services(system, store, services);

  actors::node_agent_settings node;
  node.heartbeat.node = description;
  node.heartbeat.renew_period = c.node_lease_renew;
  node.heartbeat.lease_duration = std::chrono::duration_cast<std::chrono::seconds>(c.node_grace_period);
  node.pods.resync_period = c.resync_period;
  node.pods.pod.network = c.network;
  if (proxy.dns) {
    node.pods.pod.dns_server = c.dns_ip;
    node.pods.pod.cluster_domain = c.cluster_domain;
  }
  node.pods.pod.host_ip = node.heartbeat.node.internal_ip;
  node.pods.pod.runtime_timeout = std::chrono::duration_cast<std::chrono::seconds>(c.runtime_command_timeout) * 2;
  node.pods.pod.prober = probe::make_socket_prober();
  node.runtime_workers = c.runtime_workers;
  node.pod_subnet = c.subnet;
  node.pods_dir = c.data_dir + "/pods";
  if (c.runtime == "podman") node.routes = actors::host_route_table();  // host-gw to other nodes' pods
  auto agent = actors::start_node_agent(system, store, events, runtime, std::move(node));

  // The server reads this node's pods' logs here, as the apiserver asks a kubelet: only the
  // /log subresource, only with the join token.
  api::server_settings kubelet;
  kubelet.address = description.internal_ip;
  kubelet.port = static_cast<uint16_t>(c.kubelet_port);
  kubelet.threads = 1;
  kubelet.request_timeout = c.request_timeout;
  kubelet.watch_timeout = c.watch_timeout;
  kubelet.handler.bearer_token = options.token;
  kubelet.handler.pod_logs_only = true;
  api::log_source logs;
  logs.runtime = agent.runtime;
  logs.streaming = runtime;
  logs.timeout = c.runtime_command_timeout;
  logs.max_follows = static_cast<std::size_t>(c.max_log_follows);
  api::api_server log_server{system, store, kubelet, logs};
  try {
    log_server.start();
  } catch (const std::exception& error) {
    spdlog::error("orkest agent: the server cannot read this node's pod logs: {}", error.what());
  }
  spdlog::info("orkest agent: node {} joined {} (runtime {}, pod network {} {}, its podCIDR; logs on {}:{})", c.node_name,
               server, runtime->name(), c.network, c.subnet, kubelet.address, kubelet.port);

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("orkest agent: {} received, shutting down", strsignal(received));
  log_server.stop();
  auto all = agent.addresses();
  for (const auto& address : proxy.addresses()) all.push_back(address);
  all.push_back(events.address());
  all.push_back(store.address());
  for (const auto& address : all)
    if (auto handle = caf::actor_cast<caf::actor>(address)) caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
  proxy.release_addresses();
  return 0;
}

}  // namespace orkest::app
