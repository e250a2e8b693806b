// Service (core/v1): a stable address and a port on the host in front of the pods its selector
// matches (actors/service_controller.cpp, netproxy/).

#include <set>

#include "model/kinds/building_blocks.hpp"

namespace orkest::model::kinds {
namespace {

void default_service(json& object) {
  json* spec = object_member(object, "spec");
  if (!spec) return;
  set_default(*spec, "type", "ClusterIP");
  set_default(*spec, "sessionAffinity", "None");
  const json& type = (*spec)["type"];
  if (type == "NodePort" || type == "LoadBalancer") set_default(*spec, "externalTrafficPolicy", "Cluster");
  // Kubernetes' default stickiness: three hours.
  if ((*spec)["sessionAffinity"] == "ClientIP" && !spec->contains("sessionAffinityConfig"))
    (*spec)["sessionAffinityConfig"] = {{"clientIP", {{"timeoutSeconds", 10800}}}};
  for_each_item(*spec, "ports", [](json& port) {
    set_default(port, "protocol", "TCP");
    // targetPort 0 is no port at all: Kubernetes reads it as unset too.
    if (port.contains("port") && port.value("targetPort", json()) == 0) port.erase("targetPort");
    if (port.contains("port")) set_default(port, "targetPort", port["port"]);
  });
}

void validate_service_ports(field_causes& found, reader& spec, bool node_ports) {
  const json* ports = spec.array("ports");
  if (!spec.present("ports") || (ports && ports->empty())) {
    found.push_back(fe::required(spec.path("ports")));
    return;
  }
  const bool several = ports && ports->size() > 1;
  std::set<std::string> names;
  std::set<json> seen;
  for_each_object(found, ports, spec.path("ports"), [&](reader& port, std::size_t i) {
    const auto name = port.string("name");
    if (name && !name->empty()) {
      auto errors = name_rules::dns1123_label(*name);
      fe::add_invalid(found, port.path("name"), *name, errors);
      if (errors.empty() && !names.insert(*name).second) found.push_back(fe::duplicate(port.path("name"), *name));
    } else if (several && (!port.present("name") || name)) {
      found.push_back(fe::required(port.path("name")));
    }
    const auto number = port.integer("port");
    if (!port.present("port"))
      found.push_back(fe::required(port.path("port")));
    else if (number)
      add_port_number_errors(found, port.path("port"), *number);
    // orkest proxies TCP connections only.
    port.required_one_of("protocol", {"TCP"});
    if (const json* target = member((*ports)[i], "targetPort")) {
      if (target->is_number_integer())
        add_port_number_errors(found, port.path("targetPort"), port.integer("targetPort").value_or(0));
      else if (target->is_string())
        fe::add_invalid(found, port.path("targetPort"), *target, name_rules::port_name(*target));
      else
        found.push_back(fe::type_invalid(port.path("targetPort"), *target, "integer or string"));
    }
    // Its range (services.nodePortRange) and whether another Service has it: the store's.
    if (auto node_port = port.integer("nodePort"); node_port && *node_port != 0) {
      if (!node_ports)
        found.push_back(fe::forbidden(port.path("nodePort"), "may not be used when `type` is 'ClusterIP'"));
      else
        add_port_number_errors(found, port.path("nodePort"), *node_port);
    }
    if (number) {
      json key = {{"port", *number}, {"protocol", (*ports)[i].value("protocol", json())}};
      if (!seen.insert(key).second) found.push_back(fe::duplicate(fe::index(spec.path("ports"), i), key));
    }
  });
}

// Fields of Kubernetes' Service that orkest's proxies and load balancer do not act on: refused
// with the reason, rather than accepted and ignored. The values Kubernetes defaults them to (and
// a manifest exported from a cluster carries) are what orkest does anyway, and pass.
void refuse_unhonoured_service_fields(field_causes& found, reader& spec, const json& spec_value) {
  spec.optional_one_of("internalTrafficPolicy", {"Cluster"});
  spec.optional_one_of("ipFamilyPolicy", {"SingleStack", "PreferDualStack"});
  spec.string_array("ipFamilies");
  if (const json* families = spec.array("ipFamilies"))
    for (std::size_t i = 0; i < families->size(); ++i)
      if ((*families)[i].is_string() && (*families)[i] != "IPv4")
        found.push_back(fe::not_supported(fe::index(spec.path("ipFamilies"), i), (*families)[i], {"IPv4"}));
  auto refuse_nonempty = [&](const char* field, const char* why) {
    const json* value = member(spec_value, field);
    if (value && !value->is_null() && !value->empty() && *value != "") found.push_back(fe::forbidden(spec.path(field), why));
  };
  refuse_nonempty("externalIPs", "not supported by orkest: a node accepts a Service's traffic on its own addresses only");
  refuse_nonempty("loadBalancerSourceRanges", "not supported by orkest: its load balancer does not filter clients");
  refuse_nonempty("loadBalancerIP", "not supported by orkest: its load balancer's addresses are the nodes'");
  refuse_nonempty("loadBalancerClass", "not supported by orkest: its own load balancer serves every LoadBalancer Service");
  if (auto allocate = spec.boolean("allocateLoadBalancerNodePorts"); allocate && !*allocate)
    found.push_back(fe::forbidden(spec.path("allocateLoadBalancerNodePorts"),
                                  "not supported by orkest: a LoadBalancer Service always has node ports"));
}

void validate_service(field_causes& found, const json& object) {
  // Service names become host names inside pods: Kubernetes asks for a DNS-1035 label.
  validate_object_meta(found, object, name_rules::dns1035_label);
  const auto spec_value = spec_of(found, object);
  if (!spec_value) return;
  reader spec(found, *spec_value, "spec");
  spec.required_one_of("type", {"ClusterIP", "NodePort", "LoadBalancer"});
  const auto type = spec.string("type");
  const bool node_ports = type && (*type == "NodePort" || *type == "LoadBalancer");
  validate_service_ports(found, spec, node_ports);
  // Local: traffic from outside stays on the node it came to, with the client's address.
  if (node_ports) spec.optional_one_of("externalTrafficPolicy", {"Cluster", "Local"});
  else if (spec.present("externalTrafficPolicy"))
    found.push_back(fe::invalid(spec.path("externalTrafficPolicy"), (*spec_value)["externalTrafficPolicy"],
                                "may only be set for externally-accessible services"));
  // orkest's load balancer lists only the nodes with the Service's pods itself: there is no
  // health check port for an outside one to ask.
  if (auto health = spec.integer("healthCheckNodePort"); health && *health != 0)
    found.push_back(fe::forbidden(spec.path("healthCheckNodePort"),
                                  "not allocated by orkest: its load balancer lists only the nodes with ready pods"));
  refuse_unhonoured_service_fields(found, spec, *spec_value);
  spec.boolean("publishNotReadyAddresses");
  if (const json* selector = member(*spec_value, "selector"))
    fe::append(found, label_errors(*selector, spec.path("selector")));
  // Connections are spread round-robin, or kept on one pod per client address (ClientIP).
  spec.optional_one_of("sessionAffinity", {"None", "ClientIP"});
  const auto affinity = spec.string("sessionAffinity");
  if (const json* config = spec.object("sessionAffinityConfig")) {
    if (!affinity || *affinity != "ClientIP") {
      found.push_back(fe::forbidden(spec.path("sessionAffinityConfig"), "must not be set when `sessionAffinity` is None"));
    } else {
      reader config_reader(found, *config, spec.path("sessionAffinityConfig"));
      if (const json* client = config_reader.object("clientIP")) {
        reader client_reader(found, *client, config_reader.path("clientIP"));
        auto timeout = client_reader.integer("timeoutSeconds");
        if (timeout && (*timeout <= 0 || *timeout > 86400))
          found.push_back(fe::invalid(client_reader.path("timeoutSeconds"), *timeout,
                                      "must be greater than 0 and less than 86400"));
      }
    }
  }
}

json no_load_balancer(const json&) { return {{"loadBalancer", json::object()}}; }

const json& service_schema() {
  static const json schema = top_level({{"ports", list_of({{"name", any()},
                                                            {"protocol", any()},
                                                            {"appProtocol", any()},
                                                            {"port", any()},
                                                            {"targetPort", any()},
                                                            {"nodePort", any()}})},
                                         {"selector", any()},
                                         {"clusterIP", any()},
                                         {"clusterIPs", any()},
                                         {"type", any()},
                                         {"externalIPs", any()},
                                         {"sessionAffinity", any()},
                                         {"loadBalancerIP", any()},
                                         {"loadBalancerSourceRanges", any()},
                                         {"externalName", any()},
                                         {"externalTrafficPolicy", any()},
                                         {"healthCheckNodePort", any()},
                                         {"publishNotReadyAddresses", any()},
                                         {"sessionAffinityConfig", any()},
                                         {"ipFamilies", any()},
                                         {"ipFamilyPolicy", any()},
                                         {"allocateLoadBalancerNodePorts", any()},
                                         {"loadBalancerClass", any()},
                                         {"internalTrafficPolicy", any()},
                                         {"trafficDistribution", any()}});
  return schema;
}

// ---- printService ----

json service_columns() {
  return json::array({
      column("Name", "string", name_description, 0, "name"),
      column("Type", "string",
             "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, "
             "ClusterIP, NodePort, and LoadBalancer."),
      column("Cluster-IP", "string",
             "clusterIP is the IP address of the service and is usually assigned randomly. If an address is "
             "specified manually, is in-range (as per system configuration), and is not in use, it will be "
             "allocated to the service; otherwise creation of the service will fail."),
      column("External-IP", "string",
             "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for "
             "this service."),
      column("Port(s)", "string", "The list of ports that are exposed by this service."),
      column("Age", "string", age_description),
      column("Selector", "string",
             "Route service traffic to pods with label keys and values matching this selector. If empty or not "
             "present, the service is assumed to have an external process managing its endpoints, which "
             "Kubernetes will not modify.",
             1),
  });
}

std::vector<std::string> strings_of(const json& list) {
  std::vector<std::string> out;
  if (list.is_array())
    for (const auto& item : list)
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

std::string service_external_ip(const json& spec, const json& status) {
  auto type = string_member(spec, "type");
  if (type.empty()) type = "ClusterIP";
  auto external = strings_of(member_or_null(spec, "externalIPs"));
  if (type == "ClusterIP" || type == "NodePort") return external.empty() ? "<none>" : join(external, ",");
  if (type == "LoadBalancer") {
    std::vector<std::string> ips;
    const auto& ingress = member_or_null(member_or_null(status, "loadBalancer"), "ingress");
    if (ingress.is_array())
      for (const auto& entry : ingress) {
        if (!string_member(entry, "ip").empty()) ips.push_back(string_member(entry, "ip"));
        else if (!string_member(entry, "hostname").empty()) ips.push_back(string_member(entry, "hostname"));
      }
    ips.insert(ips.end(), external.begin(), external.end());
    return ips.empty() ? "<pending>" : join(ips, ",");
  }
  if (type == "ExternalName") return string_member(spec, "externalName");
  return "<unknown>";
}

std::string service_ports(const json& spec) {
  std::vector<std::string> pieces;
  const auto& ports = member_or_null(spec, "ports");
  if (ports.is_array())
    for (const auto& port : ports) {
      auto protocol = string_member(port, "protocol");
      if (protocol.empty()) protocol = "TCP";
      std::string piece = std::to_string(integer(port, "port"));
      if (integer(port, "nodePort") > 0) piece += ":" + std::to_string(integer(port, "nodePort"));
      pieces.push_back(piece + "/" + protocol);
    }
  return or_none(join(pieces, ","));
}

std::string map_text(const json& map) {
  std::vector<std::string> pairs;  // json objects iterate in key order
  if (map.is_object())
    for (auto it = map.begin(); it != map.end(); ++it)
      pairs.push_back(it.key() + "=" + (it->is_string() ? it->get<std::string>() : it->dump()));
  return or_none(join(pairs, ","));
}

json service_cells(const json& svc, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(svc, "metadata");
  const auto& spec = member_or_null(svc, "spec");
  auto type = string_member(spec, "type");
  if (type.empty()) type = "ClusterIP";
  std::string cluster_ip = "<none>";
  auto cluster_ips = strings_of(member_or_null(spec, "clusterIPs"));
  if (!cluster_ips.empty()) cluster_ip = cluster_ips.front();
  else if (!string_member(spec, "clusterIP").empty()) cluster_ip = string_member(spec, "clusterIP");
  return json::array({string_member(metadata, "name"), type, cluster_ip, service_external_ip(spec, member_or_null(svc, "status")),
                      service_ports(spec), age_of(string_member(metadata, "creationTimestamp"), now),
                      map_text(member_or_null(spec, "selector"))});
}

}  // namespace

kind_strategy service() {
  kind_strategy strategy;
  strategy.names = {"Service", "ServiceList", "services", "service", "", "v1", {"svc"}, true};
  strategy.categories = {"all"};
  strategy.apply_defaults = default_service;
  strategy.validate = validate_service;
  strategy.initial_status = no_load_balancer;
  strategy.holds_cluster_ip = true;
  strategy.schema = service_schema;
  strategy.table_columns = service_columns;
  strategy.table_cells = service_cells;
  return strategy;
}

}  // namespace orkest::model::kinds
