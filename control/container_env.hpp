#pragma once
// A container's environment, command and args as the kubelet makes them
// (makeEnvironmentVariables): envFrom first, then env in order, later names winning;
// valueFrom read from the pod itself (fieldRef, resourceFieldRef) and from ConfigMaps and
// Secrets; $(VAR) references expanded. Pure: the objects are handed in.

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "control/config_references.hpp"

namespace orkest::control {

// What the pod's environment may read of the machine it runs on.
struct node_facts {
  std::string host_ip;
  long long cpu_millis = 0;      // allocatable: what limits.cpu reads without a limit
  long long memory_bytes = 0;    // allocatable: what limits.memory reads without a limit
};

struct container_environment {
  std::vector<std::pair<std::string, std::string>> env;  // each name once, in first-definition order
  std::vector<std::string> pod_ip_names;  // variables that get the pod's address once it has one
  std::vector<std::string> command;       // $(VAR) expanded
  std::vector<std::string> args;
  std::string error;  // not empty: CreateContainerConfigError, and why (the kubelet's words)
};

container_environment environment_for(const nlohmann::json& pod, const config_objects& objects, const node_facts& node);

// Kubernetes' $(VAR) expansion: $(NAME) becomes NAME's value when defined and stays as written
// otherwise; $$ is a literal $ (so $$(NAME) is the text "$(NAME)").
std::string expand_variables(std::string_view text, const std::map<std::string, std::string>& values);

}  // namespace orkest::control
