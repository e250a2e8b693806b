#pragma once
// `orkest agent`: only the node side (actors/node_agent) on this machine, joined to an orkest
// server through its Kubernetes API: it registers its Node, renews its Lease, and runs the pods
// the server's scheduler binds to it, reporting their status, as a kubelet does.

#include <string>

#include "app/config.hpp"

namespace orkest::app {

struct agent_options {
  std::string server;     // "http://10.0.0.1:3000"
  std::string token;      // the server's join token (`orkest token` there)
  std::string node_name;  // empty: cluster.nodeName of the configuration
  std::string node_ip;    // empty: cluster.nodeIP, else the host's first address
  std::string ca_cert;    // https: the server's certificate (its api.tlsCertFile) to trust
};

// What is wrong with the options, if anything.
std::string agent_options_problem(const agent_options& options);

// Runs until SIGINT or SIGTERM; the exit code.
int run_agent(config c, const agent_options& options);

}  // namespace orkest::app
