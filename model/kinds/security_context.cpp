#include "model/kinds/security_context.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "model/field_schema.hpp"
#include "model/json_access.hpp"

namespace orkest::model::kinds {

using nlohmann::json;
namespace fe = field_error;
using field_schema::any;

namespace {

// A user or group id: 0 .. 2^31-1, as Kubernetes' IsValidUserID/IsValidGroupID.
void validate_id(field_causes& found, reader& fields, const char* name) {
  if (auto id = fields.integer(name); id && (*id < 0 || *id > 2147483647))
    found.push_back(fe::invalid(fields.path(name), *id, "must be between 0 and 2147483647, inclusive"));
}

void validate_seccomp(field_causes& found, reader& context) {
  const json* profile = context.object("seccompProfile");
  if (!profile) return;
  reader fields(found, *profile, context.path("seccompProfile"));
  // RuntimeDefault is podman's own profile; Unconfined and Localhost would change it.
  fields.required_one_of("type", {"RuntimeDefault"});
}

// Fields of a securityContext orkest has no podman equivalent for (or does not allow).
void refuse(field_causes& found, reader& context, const json& object, std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (const json* value = member(object, name); value && !(value->is_object() && value->empty()))
      found.push_back(fe::forbidden(context.path(name), "not supported by orkest"));
}

bool is_capability_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

void validate_pod_security_context(field_causes& found, reader& pod_spec) {
  const json* context = pod_spec.object("securityContext");
  if (!context) return;
  reader fields(found, *context, pod_spec.path("securityContext"));
  for (const char* id : {"runAsUser", "runAsGroup", "fsGroup"}) validate_id(found, fields, id);
  fields.boolean("runAsNonRoot");
  if (const json* groups = fields.array("supplementalGroups"))
    for (std::size_t i = 0; i < groups->size(); ++i) {
      const json& group = (*groups)[i];
      const std::string path = fe::index(fields.path("supplementalGroups"), i);
      if (!group.is_number_integer()) found.push_back(fe::type_invalid(path, group, "integer"));
      else if (group.get<long long>() < 0 || group.get<long long>() > 2147483647)
        found.push_back(fe::invalid(path, group, "must be between 0 and 2147483647, inclusive"));
    }
  fields.optional_one_of("fsGroupChangePolicy", {"OnRootMismatch", "Always"});
  validate_seccomp(found, fields);
  refuse(found, fields, *context,
         {"seLinuxOptions", "windowsOptions", "sysctls", "appArmorProfile", "supplementalGroupsPolicy", "seLinuxChangePolicy"});
}

void validate_container_security_context(field_causes& found, reader& container, const json* pod_security_context) {
  const json* context = container.object("securityContext");
  if (!context) return;
  reader fields(found, *context, container.path("securityContext"));
  for (const char* id : {"runAsUser", "runAsGroup"}) validate_id(found, fields, id);
  fields.boolean("runAsNonRoot");
  fields.boolean("readOnlyRootFilesystem");
  const auto escalation = fields.boolean("allowPrivilegeEscalation");
  const auto privileged = fields.boolean("privileged");
  if (escalation == false && privileged == true)
    found.push_back(fe::invalid(fields.path("allowPrivilegeEscalation"), false,
                                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
  if (const json* capabilities = fields.object("capabilities")) {
    reader caps(found, *capabilities, fields.path("capabilities"));
    for (const char* list : {"add", "drop"}) {
      const json* names = caps.array(list);
      if (!names) continue;
      for (std::size_t i = 0; i < names->size(); ++i) {
        const json& name = (*names)[i];
        const std::string path = fe::index(caps.path(list), i);
        if (!name.is_string()) found.push_back(fe::type_invalid(path, name, "string"));
        else if (!is_capability_name(name.get<std::string>()))
          found.push_back(fe::invalid(path, name, "must be a capability name such as NET_BIND_SERVICE (or ALL)"));
        else if (escalation == false && list == std::string("add") &&
                 (name == "SYS_ADMIN" || name == "CAP_SYS_ADMIN"))
          found.push_back(fe::invalid(fields.path("allowPrivilegeEscalation"), false,
                                      "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
      }
    }
  }
  fields.optional_one_of("procMount", {"Default"});
  validate_seccomp(found, fields);
  refuse(found, fields, *context, {"seLinuxOptions", "windowsOptions", "appArmorProfile"});
}

const json& pod_security_context_schema() {
  static const json schema = {{"runAsUser", any()},          {"runAsGroup", any()},         {"runAsNonRoot", any()},
                              {"fsGroup", any()},            {"supplementalGroups", any()}, {"fsGroupChangePolicy", any()},
                              {"seccompProfile", any()},     {"seLinuxOptions", any()},     {"windowsOptions", any()},
                              {"sysctls", any()},            {"appArmorProfile", any()},    {"supplementalGroupsPolicy", any()},
                              {"seLinuxChangePolicy", any()}};
  return schema;
}

const json& container_security_context_schema() {
  static const json schema = {{"runAsUser", any()},      {"runAsGroup", any()},     {"runAsNonRoot", any()},
                              {"readOnlyRootFilesystem", any()}, {"allowPrivilegeEscalation", any()},
                              {"privileged", any()},     {"capabilities", {{"add", any()}, {"drop", any()}}},
                              {"procMount", any()},      {"seccompProfile", any()}, {"seLinuxOptions", any()},
                              {"windowsOptions", any()}, {"appArmorProfile", any()}};
  return schema;
}

}  // namespace orkest::model::kinds
