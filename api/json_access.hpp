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

}  // namespace orkest::api
