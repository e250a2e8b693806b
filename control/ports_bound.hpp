#pragma once
// Each node's word on a Service's ports, kept in the Service's status as the condition
// "<node>/PortsBound" (True: it listens on every port; False: the ports it cannot bind, with the
// OS error), written by that node's Service actor. A node that is deleted leaves its condition
// behind for the server to take out.

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace orkest::control {

// The condition type a node writes: "node2/PortsBound" ("PortsBound" without a node name).
std::string ports_bound_type(const std::string& node_name);

// The types of the Service's "<node>/PortsBound" conditions written by one of `nodes`.
std::vector<std::string> ports_bound_types_of(const nlohmann::json& service, const std::set<std::string>& nodes);

// The types of the Service's "<node>/PortsBound" conditions whose node is not one of
// `known_nodes` (a node deleted while the server was down) and that changed longer than `grace`
// before `now` (a node that has just started may write its condition a moment before its Node
// is registered). A condition without a readable lastTransitionTime counts as old.
std::vector<std::string> orphaned_ports_bound_types(const nlohmann::json& service, const std::set<std::string>& known_nodes,
                                                    std::chrono::system_clock::time_point now,
                                                    std::chrono::seconds grace);

}  // namespace orkest::control
