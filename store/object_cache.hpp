#pragma once
// What a controller knows of one kind, as an informer's cache in Kubernetes: the objects its
// watch delivered, kept by key as the store's change events say. Pure data, no actors: a
// controller owns one per kind it follows and decides from it.

#include <map>
#include <string>
#include <vector>

#include "store/store_types.hpp"

namespace orkest::store {

// How objects are told apart: by uid (a name reused after a delete is another object), by name
// (cluster-scoped kinds such as Node, or objects named after another, such as a node's Lease),
// or by "namespace/name" (an object named after its Service, such as Endpoints).
enum class cache_key { uid, name, namespaced_name };

class object_cache {
 public:
  explicit object_cache(cache_key key = cache_key::uid) : key_(key) {}

  // Applies one change: added and modified objects replace what was there, deleted ones leave.
  // Returns the object as it was before (null when it was not known).
  json apply(const change_event& event);

  // The key `object` is kept under.
  std::string key_of(const json& object) const;
  // The object kept under `key`, or nullptr.
  const json* find(const std::string& key) const;
  // Every object, by key.
  const std::map<std::string, json>& objects() const { return objects_; }
  // Copies of every object, in key order (for the pure functions that take a list).
  std::vector<json> values() const;
  std::size_t size() const { return objects_.size(); }

 private:
  cache_key key_;
  std::map<std::string, json> objects_;
};

}  // namespace orkest::store
