// Node (core/v1, cluster-scoped): a machine that runs pods. Each orkest node registers its own
// (actors/node_agent) with what the host has (capacity, allocatable, addresses, nodeInfo) and
// keeps its Ready condition and Lease current; the scheduler places pods on Ready, schedulable
// nodes whose taints they tolerate; `kubectl cordon` sets spec.unschedulable.

#include <arpa/inet.h>

#include <set>

#include "model/container_resources.hpp"
#include "model/json_access.hpp"
#include "model/kinds/building_blocks.hpp"
#include "model/kinds/node_scheduling.hpp"

namespace orkest::model::kinds {
namespace {

// Kubernetes' SetDefaults_NodeStatus: allocatable is capacity when not given.
void default_node(json& object) {
  json* status = object_member(object, "status");
  if (!status) return;
  if (const json* capacity = member(*status, "capacity"); capacity && capacity->is_object())
    set_default(*status, "allocatable", *capacity);
}

bool is_cidr(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos || slash + 1 == text.size() || text.size() - slash > 4) return false;
  const std::string address = text.substr(0, slash), prefix = text.substr(slash + 1);
  for (char c : prefix)
    if (c < '0' || c > '9') return false;
  const int bits = std::stoi(prefix);
  in6_addr parsed{};
  if (inet_pton(AF_INET, address.c_str(), &parsed) == 1) return bits <= 32;
  return inet_pton(AF_INET6, address.c_str(), &parsed) == 1 && bits <= 128;
}

void validate_cidr(field_causes& found, const std::string& path, const std::string& value) {
  if (!is_cidr(value)) found.push_back(fe::invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
}

// capacity and allocatable: resource names to quantities.
void validate_resource_list(field_causes& found, reader& status, const char* name) {
  const json* list = status.object(name);
  if (!list) return;
  for (const auto& [resource, value] : list->items()) {
    auto amount = quantity_of(value);
    if (!amount) found.push_back(fe::invalid(fe::key(status.path(name), resource), value, quantity_syntax_message));
    else if (amount->negative())
      found.push_back(fe::invalid(fe::key(status.path(name), resource), value, "must be greater than or equal to 0"));
  }
}

void validate_node(field_causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  if (const json* spec_object = member(object, "spec"); spec_object && spec_object->is_object()) {
    reader spec(found, *spec_object, "spec");
    if (auto cidr = spec.string("podCIDR"); cidr && !cidr->empty()) validate_cidr(found, spec.path("podCIDR"), *cidr);
    spec.string_array("podCIDRs");
    if (const json* cidrs = member(*spec_object, "podCIDRs"); cidrs && cidrs->is_array()) {
      for (std::size_t i = 0; i < cidrs->size(); ++i)
        if ((*cidrs)[i].is_string()) validate_cidr(found, fe::index(spec.path("podCIDRs"), i), (*cidrs)[i].get<std::string>());
      if (!cidrs->empty() && (*cidrs)[0] != member_or_null(*spec_object, "podCIDR") &&
          !member_or_null(*spec_object, "podCIDR").is_null())
        found.push_back(fe::invalid(spec.path("podCIDRs"), *cidrs, "first entry must match podCIDR"));
    }
    spec.boolean("unschedulable");
    spec.string("providerID");
    validate_taints(found, spec);
    refuse_unhonoured(found, spec, *spec_object, "configSource", "nodes are configured by their orkest configuration file");
  } else if (const json* spec_value = member(object, "spec")) {
    found.push_back(fe::type_invalid("spec", *spec_value, "object"));
  }
  if (const json* status_object = member(object, "status"); status_object && status_object->is_object()) {
    reader status(found, *status_object, "status");
    validate_resource_list(found, status, "capacity");
    validate_resource_list(found, status, "allocatable");
    for_each_object(found, status.array("conditions"), status.path("conditions"), [](reader& condition, std::size_t) {
      condition.required_string("type");
      condition.required_one_of("status", {"True", "False", "Unknown"});
    });
    for_each_object(found, status.array("addresses"), status.path("addresses"), [](reader& address, std::size_t) {
      address.required_one_of("type", {"Hostname", "InternalIP", "ExternalIP", "InternalDNS", "ExternalDNS"});
      address.required_string("address");
    });
  }
}

// Kubernetes' ValidateNodeUpdate: podCIDR may be set once, not changed.
std::vector<status_cause> validate_node_update(const json& stored, const json& updated) {
  std::vector<status_cause> causes;
  const auto before = string_member(member_or_null(stored, "spec"), "podCIDR");
  const auto after = string_member(member_or_null(updated, "spec"), "podCIDR");
  if (!before.empty() && before != after)
    causes.push_back(fe::forbidden("spec.podCIDR", "node updates may not change podCIDR except from \"\" to valid"));
  return causes;
}

json node_status(const json& object) {
  const json& status = member_or_null(object, "status");
  return status.is_object() ? status : json::object();
}

const json& node_schema() {
  static const json schema = top_level(any());
  return schema;
}

json node_columns() {
  return json::array({column("Name", "string", name_description, 0, "name"),
                      column("Status", "string", "The status of the node"),
                      column("Roles", "string", "The roles of the node"),
                      column("Age", "string", age_description),
                      column("Version", "string", "Kubelet Version reported by the node."),
                      column("Internal-IP", "string", "List of addresses reachable to the node.", 1),
                      column("External-IP", "string", "List of addresses reachable to the node.", 1),
                      column("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
                      column("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
                      column("Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1)});
}

// Kubernetes' printNode: Ready or NotReady (Unknown included), SchedulingDisabled when cordoned.
std::string node_status_text(const json& node) {
  std::vector<std::string> parts;
  const json& conditions = member_or_null(member_or_null(node, "status"), "conditions");
  if (conditions.is_array())
    for (const auto& condition : conditions)
      if (string_member(condition, "type") == "Ready")
        parts.push_back(string_member(condition, "status") == "True" ? "Ready" : "NotReady");
  if (parts.empty()) parts.push_back("Unknown");
  if (member_or_null(member_or_null(node, "spec"), "unschedulable") == true) parts.push_back("SchedulingDisabled");
  return join(parts, ",");
}

// node-role.kubernetes.io/<role> labels, and kubernetes.io/role.
std::string node_roles(const json& node) {
  std::set<std::string> roles;
  const json& labels = member_or_null(member_or_null(node, "metadata"), "labels");
  const std::string prefix = "node-role.kubernetes.io/";
  if (labels.is_object())
    for (const auto& [key, value] : labels.items()) {
      if (key.rfind(prefix, 0) == 0 && key.size() > prefix.size()) roles.insert(key.substr(prefix.size()));
      if (key == "kubernetes.io/role" && value.is_string() && !value.get<std::string>().empty())
        roles.insert(value.get<std::string>());
    }
  if (roles.empty()) return "<none>";
  return join(std::vector<std::string>(roles.begin(), roles.end()), ",");
}

std::string address_of(const json& node, const char* type) {
  const json& addresses = member_or_null(member_or_null(node, "status"), "addresses");
  if (addresses.is_array())
    for (const auto& address : addresses)
      if (string_member(address, "type") == type) return string_member(address, "address");
  return "<none>";
}

json node_cells(const json& object, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(object, "metadata");
  const json& info = member_or_null(member_or_null(object, "status"), "nodeInfo");
  auto or_unknown = [](std::string text) { return text.empty() ? std::string("<unknown>") : text; };
  return json::array({string_member(metadata, "name"), node_status_text(object), node_roles(object),
                      age_of(string_member(metadata, "creationTimestamp"), now), string_member(info, "kubeletVersion"),
                      address_of(object, "InternalIP"), address_of(object, "ExternalIP"),
                      or_unknown(string_member(info, "osImage")), or_unknown(string_member(info, "kernelVersion")),
                      or_unknown(string_member(info, "containerRuntimeVersion"))});
}

}  // namespace

kind_strategy node() {
  kind_strategy strategy;
  strategy.names = {"Node", "NodeList", "nodes", "node", "", "v1", {"no"}, false};
  strategy.apply_defaults = default_node;
  strategy.validate = validate_node;
  strategy.validate_update = validate_node_update;
  strategy.initial_status = node_status;  // a node registers with its status, as a kubelet does
  strategy.schema = node_schema;
  strategy.table_columns = node_columns;
  strategy.table_cells = node_cells;
  return strategy;
}

}  // namespace orkest::model::kinds
