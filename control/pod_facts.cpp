#include "control/pod_facts.hpp"

#include "model/json_access.hpp"

namespace orkest::control {

namespace {
std::string metadata_string(const nlohmann::json& object, const char* field) {
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return {};
  auto value = metadata->find(field);
  return value != metadata->end() && value->is_string() ? value->get<std::string>() : std::string{};
}
}  // namespace

std::string name_of(const nlohmann::json& object) { return metadata_string(object, "name"); }
std::string namespace_of(const nlohmann::json& object) { return metadata_string(object, "namespace"); }
std::string uid_of(const nlohmann::json& object) { return metadata_string(object, "uid"); }

bool is_terminating(const nlohmann::json& pod) { return !metadata_string(pod, "deletionTimestamp").empty(); }

bool is_active(const nlohmann::json& pod) {
  auto phase = model::value_at(pod, "/status/phase"_json_pointer, std::string{});
  return !is_terminating(pod) && phase != "Succeeded" && phase != "Failed";
}

bool is_ready(const nlohmann::json& pod) {
  auto conditions = model::value_at(pod, "/status/conditions"_json_pointer, nlohmann::json::array());
  for (const auto& condition : conditions)
    if (condition.value("type", "") == "Ready") return condition.value("status", "") == "True";
  return false;
}

std::string controller_uid(const nlohmann::json& object) {
  auto owners = model::value_at(object, "/metadata/ownerReferences"_json_pointer, nlohmann::json::array());
  for (const auto& owner : owners)
    if (owner.value("controller", false)) return owner.value("uid", "");
  return {};
}

}  // namespace orkest::control
