#pragma once
// The resource kinds orkest serves and how they appear in URLs and discovery.

#include <string>
#include <string_view>
#include <vector>

namespace orkest::model {

struct resource_kind {
  std::string kind;        // "Pod"
  std::string list_kind;   // "PodList"
  std::string plural;      // "pods" (URL segment)
  std::string singular;    // "pod"
  std::string group;       // "" for core, "apps"
  std::string version;     // "v1"
  std::vector<std::string> short_names;  // {"po"}
  bool namespaced = true;

  // "v1" or "apps/v1"
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
};

// Every kind orkest knows, from its strategy (model/kinds/registry.cpp).
const std::vector<resource_kind>& all_kinds();
// Lookup by Kind ("Pod"); nullptr if unknown.
const resource_kind* find_kind(std::string_view kind);
// Lookup by URL coordinates (group "" or "apps", version "v1", plural "pods"); nullptr if unknown.
const resource_kind* find_kind_by_plural(std::string_view group, std::string_view version,
                                         std::string_view plural);

}  // namespace orkest::model
