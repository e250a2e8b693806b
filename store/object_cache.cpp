#include "store/object_cache.hpp"

#include "model/json_access.hpp"

namespace orkest::store {

namespace {

std::string metadata_string(const json& object, const char* field) {
  return model::string_member(model::member_or_null(object, "metadata"), field);
}

}  // namespace

std::string object_cache::key_of(const json& object) const {
  switch (key_) {
    case cache_key::uid: return metadata_string(object, "uid");
    case cache_key::name: return metadata_string(object, "name");
    case cache_key::namespaced_name: return metadata_string(object, "namespace") + "/" + metadata_string(object, "name");
  }
  return {};
}

json object_cache::apply(const change_event& event) {
  const auto key = key_of(event.object);
  json before;
  if (auto it = objects_.find(key); it != objects_.end()) {
    before = std::move(it->second);
    if (event.type == change_type::deleted) objects_.erase(it);
  }
  if (event.type != change_type::deleted) objects_[key] = event.object;
  return before;
}

std::vector<json> object_cache::values() const {
  std::vector<json> values;
  values.reserve(objects_.size());
  for (const auto& [key, object] : objects_) values.push_back(object);
  return values;
}

const json* object_cache::find(const std::string& key) const {
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : &it->second;
}

}  // namespace orkest::store
