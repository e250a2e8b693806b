#include "control/dns_records.hpp"

#include "control/pod_facts.hpp"
#include "model/json_access.hpp"

namespace orkest::control {

using nlohmann::json;

dns::record_table dns_records(const std::vector<json>& pods, const std::vector<json>& services,
                              const std::string& cluster_domain) {
  dns::record_table table;
  for (const auto& pod : pods) {
    auto ip = model::value_at(pod, "/status/podIP"_json_pointer, std::string{});
    if (ip.empty() || is_terminating(pod)) continue;
    // Also under the first name of the pod's search list: resolvers such as busybox's try
    // only the search list, never the bare name.
    table[name_of(pod)] = {ip};
    table[name_of(pod) + "." + namespace_of(pod) + ".svc." + cluster_domain] = {ip};
  }
  for (const auto& service : services) {
    auto ip = model::value_at(service, "/spec/clusterIP"_json_pointer, std::string{});
    if (ip.empty() || ip == "None") continue;
    auto name = name_of(service), ns = namespace_of(service);
    for (const auto& full : {name + "." + ns + ".svc." + cluster_domain, name + "." + ns + ".svc", name + "." + ns, name})
      table[full] = {ip};
  }
  return table;
}

}  // namespace orkest::control
