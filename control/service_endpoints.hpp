#pragma once
// Which pods serve a Service, as pure functions: the Endpoints object Kubernetes publishes for
// it, and the backends each Service port forwards to, read from that object.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/pod_address_policy.hpp"
#include "netproxy/proxy_engine.hpp"

namespace orkest::control {

struct service_port_backends {
  std::string name;  // the Service port's name (may be empty)
  int port = 0;      // the Service port
  std::vector<netproxy::backend> backends;  // podIP:targetPort of each ready pod
  std::vector<netproxy::backend> local_backends;  // those of pods on this node
  bool operator==(const service_port_backends& other) const {
    return name == other.name && port == other.port && backends == other.backends &&
           local_backends == other.local_backends;
  }
};

// Pods the Service selects: same namespace, labels match spec.selector, not terminating.
// A Service without a selector selects nothing (its endpoints are the user's).
std::vector<nlohmann::json> selected_pods(const nlohmann::json& service, const std::vector<nlohmann::json>& pods);

// The container port a Service port's targetPort means for one pod: a number as is, a name
// looked up in the pod's container ports; 0 when the name is unknown.
int resolve_target_port(const nlohmann::json& service_port, const nlohmann::json& pod);

// Backends per Service port from the Service's Endpoints object (the server's, or its user's for
// a Service without a selector), as kube-proxy reads them: the ready addresses of each subset,
// at that subset's port whose name is the Service port's (both empty for an unnamed port), with
// an address `addresses` allows; local_backends those whose nodeName is `node_name`. Sorted as
// stable comparison. Null `endpoints`: every port without backends.
std::vector<service_port_backends> backends_from_endpoints(const nlohmann::json& service, const nlohmann::json& endpoints,
                                                           const pod_address_policy& addresses,
                                                           const std::string& node_name = {});

// The Endpoints object (same name as the Service): ready pods under addresses, running but
// not ready ones under notReadyAddresses (under addresses too with spec.publishNotReadyAddresses),
// one subset per distinct set of resolved ports. A pod
// whose address `addresses` refuses is left out, as one without an address.
nlohmann::json endpoints_for(const nlohmann::json& service, const std::vector<nlohmann::json>& pods,
                             const pod_address_policy& addresses);

}  // namespace orkest::control
