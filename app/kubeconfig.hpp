#pragma once
// A kubeconfig that points kubectl (and client libraries) at this orkest: `orkest
// --print-kubeconfig > ~/.kube/orkest.yaml`. Pure: built from the configuration alone.

#include <string>

#include "app/config.hpp"

namespace orkest::app {

// The URL clients reach the API at: http(s)://address:port, with a wildcard listen address
// replaced by the loopback one.
std::string api_url(const config& c);

// A complete kubeconfig (YAML) with one cluster, user and context, all named "orkest", and
// the context selected; the API token and TLS certificate of the configuration go in it.
std::string kubeconfig_for(const config& c);

}  // namespace orkest::app
