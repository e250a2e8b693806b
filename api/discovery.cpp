#include "api/discovery.hpp"

#include <algorithm>

#include "model/kind_strategy.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

using nlohmann::json;

namespace {

constexpr const char* kubernetes_minor = "32";

json resource_list(const std::string& group, const std::string& version) {
  json resources = json::array();
  for (const auto& strategy : all_strategies()) {
    const auto& kind = strategy.names;
    if (kind.group != group || kind.version != version) continue;
    json verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};
    json entry = {{"name", kind.plural},       {"singularName", kind.singular}, {"namespaced", kind.namespaced},
                  {"kind", kind.kind},         {"verbs", verbs},                {"shortNames", kind.short_names}};
    if (!strategy.categories.empty()) entry["categories"] = strategy.categories;
    resources.push_back(entry);
    if (strategy.has_status)
      resources.push_back({{"name", kind.plural + "/status"}, {"singularName", ""},   {"namespaced", kind.namespaced},
                           {"kind", kind.kind},              {"verbs", {"get", "patch", "update"}}});
    if (strategy.has_scale)
      resources.push_back({{"name", kind.plural + "/scale"}, {"singularName", ""},       {"namespaced", kind.namespaced},
                           {"group", "autoscaling"},        {"version", "v1"},         {"kind", "Scale"},
                           {"verbs", {"get", "patch", "update"}}});
    if (strategy.has_log)
      resources.push_back({{"name", kind.plural + "/log"}, {"singularName", ""}, {"namespaced", kind.namespaced},
                           {"kind", kind.kind},            {"verbs", {"get"}}});
    if (strategy.has_binding) {
      resources.push_back({{"name", kind.plural + "/binding"}, {"singularName", ""}, {"namespaced", kind.namespaced},
                           {"kind", "Binding"},                {"verbs", {"create"}}});
      resources.push_back({{"name", kind.plural + "/eviction"}, {"singularName", ""}, {"namespaced", kind.namespaced},
                           {"group", "policy"},                 {"version", "v1"},    {"kind", "Eviction"},
                           {"verbs", {"create"}}});
    }
  }
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", group.empty() ? version : group + "/" + version},
          {"resources", resources}};
}

// The named groups of the kinds orkest serves (apps, storage.k8s.io), in the kinds' order; one
// version each.
std::vector<std::pair<std::string, std::string>> named_groups() {
  std::vector<std::pair<std::string, std::string>> groups;
  for (const auto& kind : all_kinds())
    if (!kind.group.empty() &&
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == kind.group; }) == groups.end())
      groups.emplace_back(kind.group, kind.version);
  return groups;
}

json api_group(const std::string& name, const std::string& version_name) {
  json version = {{"groupVersion", name + "/" + version_name}, {"version", version_name}};
  return {{"name", name}, {"versions", json::array({version})}, {"preferredVersion", version}};
}

}  // namespace

json version_info() {
  return {{"major", "1"},
          {"minor", kubernetes_minor},
          {"gitVersion", std::string("v1.") + kubernetes_minor + ".0-orkest"},
          {"gitCommit", "orkest"},
          {"gitTreeState", "clean"},
          {"buildDate", "2026-11-22T00:00:00Z"},
          {"goVersion", "n/a (C++)"},
          {"compiler", "gcc"},
          {"platform", "linux/amd64"}};
}

json discovery_document(const std::string& path) {
  if (path == "/api")
    return {{"kind", "APIVersions"},
            {"versions", {"v1"}},
            {"serverAddressByClientCIDRs", json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", ""}}})}};
  if (path == "/api/v1") return resource_list("", "v1");
  json groups = json::array();
  for (const auto& [name, version] : named_groups()) {
    groups.push_back(api_group(name, version));
    if (path == "/apis/" + name) {
      json group = api_group(name, version);
      group["kind"] = "APIGroup";
      group["apiVersion"] = "v1";
      return group;
    }
    if (path == "/apis/" + name + "/" + version) return resource_list(name, version);
  }
  if (path == "/apis") return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
  return nullptr;
}

}  // namespace orkest::api
