#pragma once
// A container's cpu and memory (spec.containers[].resources) as numbers, and the pod's QoS
// class, as Kubernetes computes them. Reads validated objects: a value that is not a quantity
// counts as absent.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "model/quantity.hpp"

namespace orkest::model {

// The least a limit may be for podman to enforce it (runc's minimums).
inline constexpr std::int64_t min_memory_limit_bytes = 6 * 1024 * 1024;
inline constexpr std::int64_t min_cpu_limit_millis = 10;

struct container_resources {
  std::optional<quantity> cpu_limit, memory_limit, cpu_request, memory_request;
};

// A Quantity as JSON carries it: its text or a number.
std::optional<quantity> quantity_of(const nlohmann::json& value);

container_resources resources_of(const nlohmann::json& container);

// "Guaranteed" (every container limits cpu and memory, requests equal to limits), "BestEffort"
// (no container requests or limits anything), otherwise "Burstable".
std::string qos_class(const nlohmann::json& pod_spec);

}  // namespace orkest::model
