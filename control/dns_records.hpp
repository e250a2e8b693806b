#pragma once
// The names the cluster DNS answers, as a pure function of pods and Services.

#include <nlohmann/json.hpp>
#include <vector>

#include "dns/dns_server.hpp"

namespace orkest::control {

// Pods by their name and <name>.<ns>.svc.<domain> (what a search list makes of the bare
// name), Services by
// <name>.<ns>.svc.<domain>, <name>.<ns>.svc, <name>.<ns> and <name>. A Service's name wins
// over a pod of the same name. Names are lower case.
dns::record_table dns_records(const std::vector<nlohmann::json>& pods, const std::vector<nlohmann::json>& services,
                              const std::string& cluster_domain);

}  // namespace orkest::control
