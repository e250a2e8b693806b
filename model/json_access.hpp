#pragma once
// Safe steps into objects of unknown shape: every helper answers nullptr rather than throwing or
// inserting when a member is absent, null or of another type.

#include <nlohmann/json.hpp>
#include <string>

namespace orkest::model {

// parent[name] when parent is an object holding a non-null member `name`.
inline const nlohmann::json* member(const nlohmann::json& parent, const char* name) {
  if (!parent.is_object()) return nullptr;
  auto found = parent.find(name);
  return found == parent.end() || found->is_null() ? nullptr : &*found;
}

// parent[name], or a null value when parent is no object or lacks the member: reads nested
// fields in one expression, member_or_null(member_or_null(pod, "spec"), "nodeName").
inline const nlohmann::json& member_or_null(const nlohmann::json& parent, const char* name) {
  static const nlohmann::json null_value;
  if (!parent.is_object()) return null_value;
  auto found = parent.find(name);
  return found == parent.end() ? null_value : *found;
}

// parent[name] when it is a string, else "".
inline std::string string_member(const nlohmann::json& parent, const char* name) {
  const auto& value = member_or_null(parent, name);
  return value.is_string() ? value.get<std::string>() : std::string{};
}

// The array at `name`, or an empty one when absent or not an array: for loops over lists.
inline const nlohmann::json& array_member(const nlohmann::json& parent, const char* name) {
  static const nlohmann::json none = nlohmann::json::array();
  const auto& value = member_or_null(parent, name);
  return value.is_array() ? value : none;
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

}  // namespace orkest::model
