#include "actors/service_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "actors/retry_queue.hpp"
#include "control/pod_facts.hpp"
#include "control/ports_bound.hpp"
#include "model/json_access.hpp"
#include "model/timestamp.hpp"
#include "netproxy/host_address.hpp"

namespace orkest::actors {

std::vector<std::string> listen_addresses(const std::string& host_address, const std::string& cluster_ip) {
  std::vector<std::string> addresses{host_address};
  if (host_address != "0.0.0.0" && !cluster_ip.empty() && cluster_ip != host_address) addresses.push_back(cluster_ip);
  return addresses;
}

namespace {

// What a listener is for: the Service's port on this node's address (with the wildcard, also its
// cluster IP), its port on the cluster IP only, or its node port.
enum class listener_role { service_port, cluster_ip, node_port };

struct open_listener {
  int service_port = 0;
  listener_role role = listener_role::service_port;
  std::unique_ptr<netproxy::listener> handle;
};

struct service_state {
  store_actor store;
  std::shared_ptr<netproxy::proxy> proxy;
  service_actor_settings settings;
  json service;
  std::string cluster_ip_on_lo;  // the address this actor put on lo, removed when it ends
  // Declared after `proxy` so they are closed before the proxy reference goes away.
  std::vector<open_listener> listeners;
  // externalTrafficPolicy Local: whether this node's way back for kept client addresses is in
  // place (asked once, when the Service first wants it).
  bool asked_for_client_addresses = false;
  bool keeps_client_addresses = false;
  std::vector<std::string> failures;
  std::vector<control::service_port_backends> backends;
  json written_condition;
  retry_queue retries;  // the condition write (condition_write), after a failure
  static inline const char* name = "service";

  // CAF destroys an actor's state as soon as it terminates: the ports are free from then on.
  ~service_state() {
    listeners.clear();
    if (!cluster_ip_on_lo.empty()) netproxy::remove_loopback_address(cluster_ip_on_lo);
  }
};

using service_pointer = service_actor::stateful_pointer<service_state>;

std::string describe(const json& service) { return control::namespace_of(service) + "/" + control::name_of(service); }

// The ports and address the listeners were opened for; a change reopens them.
json listening_shape(const json& service) {
  return {model::value_at(service, "/spec/clusterIP"_json_pointer, json()), model::value_at(service, "/spec/ports"_json_pointer, json())};
}

bool traffic_local(const json& service) {
  return model::value_at(service, "/spec/externalTrafficPolicy"_json_pointer, std::string{}) == "Local";
}

// externalTrafficPolicy Local for one listener: what came from outside goes to this node's pods
// only. The cluster IP (the wildcard listener's internal address) stays Cluster-wide.
std::optional<netproxy::external_traffic_local> local_policy(service_pointer self, listener_role role,
                                                             const control::service_port_backends& port) {
  auto& st = self->state;
  if (!traffic_local(st.service) || role == listener_role::cluster_ip) return std::nullopt;
  netproxy::external_traffic_local policy;
  policy.local_backends = port.local_backends;
  if (role == listener_role::service_port && st.settings.host_address == "0.0.0.0")
    policy.internal_address = model::value_at(st.service, "/spec/clusterIP"_json_pointer, std::string{});
  policy.keep_client_address = st.keeps_client_addresses;
  policy.own_address_for = st.settings.pod_networks;
  return policy;
}

void apply_backends(service_pointer self) {
  auto& st = self->state;
  for (auto& listener : st.listeners) {
    auto port = std::find_if(st.backends.begin(), st.backends.end(),
                             [&](const auto& entry) { return entry.port == listener.service_port; });
    if (port == st.backends.end()) continue;
    listener.handle->set_backends(port->backends);
    listener.handle->set_external_traffic_local(local_policy(self, listener.role, *port));
  }
}

// Asks once for the way back that lets a Local Service's pods see their clients' addresses.
void ask_for_client_addresses(service_pointer self) {
  auto& st = self->state;
  if (!traffic_local(st.service) || st.asked_for_client_addresses || !st.settings.client_address_return) return;
  st.asked_for_client_addresses = true;
  self->request(st.settings.client_address_return, std::chrono::seconds(30), setup_atom::value)
      .then(
          [self](bool ready) {
            self->state.keeps_client_addresses = ready;
            apply_backends(self);
          },
          [](const caf::error&) {});
}

// ClientIP session affinity: how long a client keeps its pod; zero for None.
std::chrono::seconds affinity_of(const json& service) {
  if (model::value_at(service, "/spec/sessionAffinity"_json_pointer, std::string{}) != "ClientIP") return std::chrono::seconds(0);
  const auto timeout = model::value_at(service, "/spec/sessionAffinityConfig/clientIP/timeoutSeconds"_json_pointer, json(10800));
  return std::chrono::seconds(timeout.is_number_integer() ? timeout.get<int64_t>() : 10800);
}

void apply_affinity(service_pointer self) {
  const auto timeout = affinity_of(self->state.service);
  for (auto& listener : self->state.listeners) listener.handle->set_session_affinity(timeout);
}

constexpr const char* condition_write = "status";  // the retry queue's one key

// This node's condition in the Service's status, "<node>/PortsBound" (control/ports_bound): every
// node says whether it could bind every port, and a strategic merge (conditions merge by type)
// leaves the other nodes' conditions and the rest of the status (the load balancer's ingress) alone.
void write_conditions(service_pointer self) {
  auto& st = self->state;
  if (!st.settings.writes_port_status) return;
  bool ok = st.failures.empty();
  std::string message;
  for (const auto& failure : st.failures) message += (message.empty() ? "" : "; ") + failure;
  json condition = {{"type", control::ports_bound_type(st.settings.node_name)},
                    {"status", ok ? "True" : "False"},
                    {"reason", ok ? "Listening" : "PortInUse"},
                    {"message", ok ? "listening on every port" : "cannot listen on " + message},
                    {"observedGeneration", model::value_at(st.service, "/metadata/generation"_json_pointer, 1)}};
  if (condition == st.written_condition) return;
  st.written_condition = condition;
  condition["lastTransitionTime"] = model::now_rfc3339();
  // The uid makes it a precondition: a Service of the same name made since is not this one.
  patch_request patch{patch_type::strategic_merge,
                      {{"metadata", {{"uid", control::uid_of(st.service)}}},
                       {"status", {{"conditions", json::array({std::move(condition)})}}}},
                      true};
  // A write that did not land (the server away, for an agent) is made again after a back-off.
  auto not_written = [self] {
    self->state.written_condition = nullptr;
    self->state.retries.retry(self, condition_write);
  };
  self->request(st.store, std::chrono::seconds(10), patch_atom::value,
                object_key{"Service", control::namespace_of(st.service), control::name_of(st.service)}, std::move(patch))
      .then(
          [self, not_written](const store_result& result) {
            // 404 and 409: the Service is gone, or is another one of the same name by now.
            if (result.ok() || result.error->code == 404 || result.error->code == 409)
              return self->state.retries.succeeded(condition_write);
            not_written();
          },
          [not_written](const caf::error&) { not_written(); });
}

void open_listeners(service_pointer self) {
  auto& st = self->state;
  st.listeners.clear();
  st.failures.clear();
  auto cluster_ip = model::value_at(st.service, "/spec/clusterIP"_json_pointer, std::string{});
  if (st.settings.cluster_ips_on_loopback && cluster_ip != st.cluster_ip_on_lo && !cluster_ip.empty()) {
    bool added = false;
    if (auto error = netproxy::add_loopback_address(cluster_ip, &added)) {
      spdlog::error("service {}: cannot add cluster IP {}: {}", describe(st.service), cluster_ip, *error);
    } else if (added) {
      st.cluster_ip_on_lo = cluster_ip;  // one already there (another node's process on this host) stays its
    }
  }
  for (const auto& port : model::value_at(st.service, "/spec/ports"_json_pointer, json::array())) {
    int number = port.value("port", 0);
    auto listen = [&](const std::string& address, int at, listener_role role) {
      auto opened = st.proxy->listen(address, static_cast<uint16_t>(at), st.settings.max_connections_per_port);
      if (auto* error = std::get_if<std::string>(&opened)) {
        spdlog::error("service {}: cannot listen on {}", describe(st.service), *error);
        st.failures.push_back(*error);
        return;
      }
      st.listeners.push_back({number, role, std::move(std::get<std::unique_ptr<netproxy::listener>>(opened))});
      spdlog::info("service {}: listening on {}:{}", describe(st.service), address, at);
    };
    // Without its cluster IP on lo this node does not serve that address (binding it would fail).
    const auto served_ip = st.settings.cluster_ips_on_loopback ? cluster_ip : std::string{};
    for (const auto& address : listen_addresses(st.settings.host_address, served_ip))
      listen(address, number, address == st.settings.host_address ? listener_role::service_port : listener_role::cluster_ip);
    // NodePort and LoadBalancer: also the node port, on this node's addresses (as kube-proxy).
    const json& node_port = model::member_or_null(port, "nodePort");
    if (node_port.is_number_integer() && node_port.get<int64_t>() > 0 && node_port.get<int64_t>() <= 65535 &&
        node_port.get<int64_t>() != number)
      listen(st.settings.host_address, static_cast<int>(node_port.get<int64_t>()), listener_role::node_port);
  }
  ask_for_client_addresses(self);
  apply_backends(self);
  apply_affinity(self);
  write_conditions(self);
  // Every node says so for itself: the others still serve the Service.
  for (const auto& failure : st.failures)
    record_event(st.settings.events, {control::reference_to(st.service), "Warning", "FailedToBindPort",
                                      "node " + st.settings.node_name + ": cannot listen on " + failure,
                                      "service-proxy", st.settings.node_name});
}

service_actor::behavior_type service_behavior(service_pointer self, store_actor store,
                                              std::shared_ptr<netproxy::proxy> proxy, service_actor_settings settings,
                                              json service) {
  auto& st = self->state;
  st.store = std::move(store);
  st.proxy = std::move(proxy);
  st.settings = std::move(settings);
  st.service = std::move(service);
  open_listeners(self);
  return {
      [self](update_atom, json& service) {
        bool reopen = listening_shape(service) != listening_shape(self->state.service);
        self->state.service = std::move(service);
        if (reopen) return open_listeners(self);
        apply_affinity(self);
        ask_for_client_addresses(self);
        apply_backends(self);  // the traffic policy may have changed
      },
      [self](resync_atom, const std::string& key) {
        self->state.retries.arrived(key);
        write_conditions(self);
      },
      [self](backends_atom, std::vector<control::service_port_backends>& backends) {
        if (backends == self->state.backends) return;
        self->state.backends = std::move(backends);
        apply_backends(self);
      },
  };
}

}  // namespace

service_actor spawn_service_actor(caf::actor_system& system, store_actor store,
                                  std::shared_ptr<netproxy::proxy> proxy, service_actor_settings settings,
                                  json service) {
  return system.spawn(service_behavior, std::move(store), std::move(proxy), std::move(settings), std::move(service));
}

}  // namespace orkest::actors
