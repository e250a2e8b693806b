#pragma once
// Applies the manifests of the configuration's bootstrap folder at startup, as k3s applies its
// manifests folder: every .yaml/.yml/.json file, in name order, each document created, or
// updated when an object kept from an earlier run came from another version of the manifest.

#include <string>

#include "api/store_client.hpp"

namespace orkest::app {

struct bootstrap_report {
  int created = 0;
  int updated = 0;    // kept from an earlier run, the manifest changed since
  int unchanged = 0;  // kept from an earlier run as the manifest says
  int failed = 0;
};

bootstrap_report apply_manifests(const std::string& folder, api::store_client& store);

// Splits a YAML stream into its documents (lines of `---` separate them). Pure.
std::vector<std::string> split_yaml_documents(const std::string& text);

}  // namespace orkest::app
