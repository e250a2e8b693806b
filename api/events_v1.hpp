#pragma once
// events.k8s.io/v1 Events: the core Events in the newer API's shape (regarding, note,
// deprecatedCount, ...), as Kubernetes serves both views of one stored object. Pure.

#include <nlohmann/json.hpp>

namespace orkest::api {

// A core EventList -> an events.k8s.io/v1 EventList.
nlohmann::json events_v1_list(const nlohmann::json& core_list);

}  // namespace orkest::api
