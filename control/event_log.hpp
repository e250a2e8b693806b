#pragma once
// Kubernetes Events as orkest records them: an event's object, its repeats folded into one
// (count, firstTimestamp, lastTimestamp) as client-go's event correlator does for identical
// events, and which stored events go (those past their time to live, then the oldest beyond the
// limit). Pure.

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace orkest::control {

// What happened, to what, by whom.
struct event_note {
  nlohmann::json involved;  // an ObjectReference: kind, namespace, name, uid, apiVersion[, fieldPath]
  std::string type;         // Normal | Warning
  std::string reason;       // Started, Unhealthy, SuccessfulCreate, ...
  std::string message;
  std::string component;    // kubelet, replicaset-controller, ...
  std::string host;         // the node, for the kubelet's events
};

// The ObjectReference of a stored object; `field_path` for a part of it (a container).
nlohmann::json reference_to(const nlohmann::json& object, const std::string& field_path = {});

// Identical events (same object, type, reason, message and source) share a key.
std::string aggregation_key(const event_note& note);

// A new Event named `name` in the involved object's namespace, seen once at `now` (RFC 3339).
nlohmann::json new_event(const event_note& note, const std::string& name, const std::string& now);
// `stored` seen once more at `now`.
nlohmann::json repeated_event(nlohmann::json stored, const std::string& now);

// The namespace and name of each event to delete: those last seen `ttl` or longer before
// `now`, then the oldest (by last seen) while more than `limit` remain.
std::vector<std::pair<std::string, std::string>> events_to_drop(const std::vector<nlohmann::json>& events,
                                                                std::chrono::system_clock::time_point now,
                                                                std::chrono::seconds ttl, std::size_t limit);

}  // namespace orkest::control
