#pragma once
// Safe steps into objects of unknown shape: every helper answers nullptr rather than throwing or
// inserting when a member is absent, null or of another type.

#include <nlohmann/json.hpp>

namespace orkest::api {

// parent[name] when parent is an object holding a non-null member `name`.
inline const nlohmann::json* member(const nlohmann::json& parent, const char* name) {
  if (!parent.is_object()) return nullptr;
  auto found = parent.find(name);
  return found == parent.end() || found->is_null() ? nullptr : &*found;
}

// parent[name] when both are objects, for in-place rewriting.
inline nlohmann::json* object_member(nlohmann::json& parent, const char* name) {
  if (!parent.is_object()) return nullptr;
  auto found = parent.find(name);
  return found != parent.end() && found->is_object() ? &*found : nullptr;
}

// The value at `pointer`, or `fallback` when the path is absent or null. json::value(pointer, ...)
// answers the same but throws and catches an exception for every absent path, which in a
// loop over all pods is most of the loop's cost.
template <class T>
T value_at(const nlohmann::json& object, const nlohmann::json::json_pointer& pointer, T fallback) {
  if (!object.contains(pointer)) return fallback;
  const auto& found = object.at(pointer);
  return found.is_null() ? fallback : found.get<T>();
}

}  // namespace orkest::api
