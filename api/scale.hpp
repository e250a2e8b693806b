#pragma once
// The /scale subresource of ReplicaSets (`kubectl scale rs NAME --replicas=N`): an
// autoscaling/v1 Scale that reads and writes the ReplicaSet's spec.replicas. The conversions
// are pure; scale_request does the store round trips (GET, PUT, PATCH).

#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "store/store_types.hpp"
#include "model/api_error.hpp"
#include "api/http_exchange.hpp"
#include "api/route.hpp"
#include "api/store_client.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

// The Scale of a ReplicaSet: name, namespace, uid, resourceVersion and creationTimestamp of
// the ReplicaSet; spec.replicas; status.replicas and status.selector (string form).
nlohmann::json scale_of(const nlohmann::json& replicaset);

// The replicas a Scale written by a client asks for; 400/422 when it is not a valid Scale.
std::variant<int64_t, api_error> replicas_of_scale(const nlohmann::json& scale, const std::string& name);

// A patch applied to a Scale (merge, strategic merge or JSON patch): the patched Scale.
std::variant<nlohmann::json, api_error> patch_scale(const nlohmann::json& scale, store::patch_type type,
                                                    const nlohmann::json& patch, const std::string& name);

// GET, PUT and PATCH of /apis/apps/v1/namespaces/{ns}/replicasets/{name}/scale.
http_response scale_request(store_client& store, const http_request& request, const route& r);

}  // namespace orkest::api
