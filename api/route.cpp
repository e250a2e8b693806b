#include "api/route.hpp"

#include <vector>

namespace orkest::api {

namespace {

std::vector<std::string> segments_of(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start < path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

route special(route::target what, std::string_view path = {}) {
  route r;
  r.what = what;
  r.path = std::string(path);
  while (r.path.size() > 1 && r.path.back() == '/') r.path.pop_back();
  return r;
}

}  // namespace

std::optional<route> parse_route(std::string_view path) {
  auto segments = segments_of(path);
  if (segments.size() == 1 && (segments[0] == "healthz" || segments[0] == "livez"))
    return special(route::target::health);
  if (segments.size() == 1 && segments[0] == "readyz") return special(route::target::readiness);
  if (segments.size() == 1 && segments[0] == "version") return special(route::target::version);
  if (!segments.empty() && segments[0] == "openapi") return special(route::target::openapi, path);

  // /api/v1/... (core) or /apis/{group}/{version}/...
  std::size_t next = 0;
  std::string group, version;
  if (segments.empty()) return std::nullopt;
  // The user's own examples spell /apis/apps/v1 as /api/apps/v1: read it as meant.
  if (segments.size() >= 3 && segments[0] == "api" && segments[1] == "apps") segments[0] = "apis";
  if (segments[0] == "api") {
    next = segments.size() >= 2 ? 2 : 1;
    if (segments.size() >= 2) version = segments[1];
  } else if (segments[0] == "apis") {
    if (segments.size() >= 2) group = segments[1];
    if (segments.size() >= 3) version = segments[2];
    next = std::min<std::size_t>(segments.size(), 3);
  } else {
    return std::nullopt;
  }
  if (next >= segments.size()) return special(route::target::discovery, path);

  route r;
  // /namespaces, /namespaces/{name} and its status and finalize subresources are Namespace
  // objects; /namespaces/{namespace}/{resource}... is inside one.
  const bool namespace_object =
      segments[next] == "namespaces" &&
      (segments.size() <= next + 2 ||
       (segments.size() == next + 3 && (segments[next + 2] == "status" || segments[next + 2] == "finalize")));
  if (segments[next] == "namespaces" && !namespace_object) {
    r.ns = segments[next + 1];
    next += 2;
  }
  // events.k8s.io/v1 is another view of the core Events (api/events_v1.cpp), listed only.
  if (segments[next] == "events" && next + 1 == segments.size() && group == "events.k8s.io" && version == "v1") {
    r.what = route::target::events;
    r.path = group.empty() ? version : group + "/" + version;
    return r;
  }
  if (segments[next] == "endpointslices" && next + 1 == segments.size() && group == "discovery.k8s.io" &&
      version == "v1") {
    r.what = route::target::endpoint_slices;
    r.path = group + "/" + version;
    return r;
  }
  r.kind = find_kind_by_plural(group, version, segments[next]);
  if (!r.kind) return std::nullopt;
  ++next;
  if (next < segments.size()) r.name = segments[next++];
  if (next < segments.size()) r.subresource = segments[next++];
  if (next < segments.size()) return std::nullopt;
  if (!r.name.empty() && r.ns.empty() && r.kind->namespaced) return std::nullopt;
  if (!r.ns.empty() && !r.kind->namespaced) return std::nullopt;  // cluster-scoped: no namespace in the path
  return r;
}

}  // namespace orkest::api
