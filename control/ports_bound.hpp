#pragma once
// Each node's word on a Service's ports, kept in the Service's status as the condition
// "<node>/PortsBound" (True: it listens on every port; False: the ports it cannot bind, with the
// OS error), written by that node's Service actor. A node that is deleted leaves its condition
// behind for the server to take out.

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace orkest::control {

// The condition type a node writes: "node2/PortsBound" ("PortsBound" without a node name).
std::string ports_bound_type(const std::string& node_name);

// The types of the Service's "<node>/PortsBound" conditions written by one of `nodes`.
std::vector<std::string> ports_bound_types_of(const nlohmann::json& service, const std::set<std::string>& nodes);

}  // namespace orkest::control
