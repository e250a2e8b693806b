#pragma once
// Where an HTTP request goes: parses a Kubernetes API path into its parts. Pure.

#include <optional>
#include <string>
#include <string_view>

#include "model/resource_kind.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

struct route {
  enum class target {
    resource,       // /api/v1/namespaces/{ns}/pods[/{name}[/{subresource}]], /api/v1/pods
    health,         // /healthz, /livez: the process serves
    readiness,      // /readyz: ... and the store answers in time
    version,        // /version
    discovery,      // /api, /apis, /api/v1, /apis/apps, /apis/apps/v1
    openapi,        // /openapi/v2, /openapi/v3...
    events,         // /api/v1[/namespaces/{ns}]/events, /apis/events.k8s.io/v1/...: always empty
    endpoint_slices,  // /apis/discovery.k8s.io/v1[/namespaces/{ns}]/endpointslices: read-only,
                      // derived from Endpoints (kubectl describe svc reads them)
  };
  target what = target::resource;
  const resource_kind* kind = nullptr;  // for resources
  std::string ns;                       // empty: all namespaces (collections only)
  std::string name;                     // empty: the collection
  std::string subresource;              // "status", "scale", "log" or empty
  std::string path;                     // for discovery and openapi: the path itself; for events
                                        // their group version ("v1" or "events.k8s.io/v1")
};

// nullopt: no such path (404). A known kind at an unknown version or group is also 404.
std::optional<route> parse_route(std::string_view path);

}  // namespace orkest::api
