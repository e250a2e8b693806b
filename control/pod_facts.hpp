#pragma once
// Small questions about Pod objects that several decisions ask.

#include <nlohmann/json.hpp>
#include <string>

namespace orkest::control {

// Not terminating and not finished (Succeeded/Failed): counts toward a ReplicaSet's replicas.
bool is_active(const nlohmann::json& pod);
bool is_terminating(const nlohmann::json& pod);
// The Ready condition is True.
bool is_ready(const nlohmann::json& pod);
// uid of the controlling owner (ownerReferences[].controller == true), empty if none.
std::string controller_uid(const nlohmann::json& object);
std::string name_of(const nlohmann::json& object);
std::string namespace_of(const nlohmann::json& object);
std::string uid_of(const nlohmann::json& object);

}  // namespace orkest::control
