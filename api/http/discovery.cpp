#include "api/http/discovery.hpp"

#include "api/kind_strategy.hpp"

namespace orkest::api::http {

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
  }
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", group.empty() ? version : group + "/" + version},
          {"resources", resources}};
}

json apps_group() {
  json version = {{"groupVersion", "apps/v1"}, {"version", "v1"}};
  return {{"name", "apps"}, {"versions", json::array({version})}, {"preferredVersion", version}};
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
  if (path == "/apis")
    return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", json::array({apps_group()})}};
  if (path == "/apis/apps") {
    json group = apps_group();
    group["kind"] = "APIGroup";
    group["apiVersion"] = "v1";
    return group;
  }
  if (path == "/api/v1") return resource_list("", "v1");
  if (path == "/apis/apps/v1") return resource_list("apps", "v1");
  return nullptr;
}

}  // namespace orkest::api::http
