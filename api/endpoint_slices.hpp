#pragma once
// EndpointSlices (discovery.k8s.io/v1) derived from orkest's Endpoints, read-only: kubectl
// 1.32 `describe svc` lists the slices labelled kubernetes.io/service-name=<svc> for its
// "Endpoints:" line. One slice per Endpoints object, named after it. Pure.

#include <nlohmann/json.hpp>
#include <string>

namespace orkest::api {

// The slice of one Endpoints object.
nlohmann::json endpoint_slice_of(const nlohmann::json& endpoints);

// An EndpointSliceList of the slices of an EndpointsList that match `label_selector`
// (Kubernetes' string form); null when the selector does not parse.
nlohmann::json endpoint_slice_list(const nlohmann::json& endpoints_list, const std::string& label_selector);

}  // namespace orkest::api
