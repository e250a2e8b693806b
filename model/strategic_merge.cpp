#include "model/strategic_merge.hpp"

#include <algorithm>
#include <string>

namespace orkest::model {

using nlohmann::json;

namespace {

// The merge key of a list, by the list's field name, as Kubernetes' struct tags declare it.
const char* merge_key_for(const std::string& field) {
  if (field == "containers" || field == "initContainers" || field == "env" || field == "volumes" ||
      field == "imagePullSecrets")
    return "name";
  if (field == "volumeMounts") return "mountPath";
  if (field == "ports") return "port";  // containerPort for container ports, see below
  if (field == "ownerReferences") return "uid";
  if (field == "conditions") return "type";
  return nullptr;
}

const char* key_present_in(const json& item, const char* preferred) {
  if (item.is_object() && item.contains(preferred)) return preferred;
  if (item.is_object() && item.contains("containerPort")) return "containerPort";
  return nullptr;
}

json merge_value(const std::string& field, const json& original, const json& patch);

// The `$patch` directive of a patch object ("delete", "replace", "merge"); anything but a
// string is no directive at all.
std::string directive_of(const json& patch) {
  auto it = patch.find("$patch");
  return it != patch.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

json merge_list(const std::string& field, const json& original, const json& patch) {
  const char* preferred = merge_key_for(field);
  if (!preferred || !original.is_array()) return patch;
  json merged = original;
  for (const auto& item : patch) {
    const char* key = key_present_in(item, preferred);
    if (!key) return patch;  // not a keyed list after all: replace, as a merge patch would
    auto same = [&](const json& candidate) {
      return candidate.is_object() && candidate.value(key, json()) == item[key];
    };
    auto existing = std::find_if(merged.begin(), merged.end(), same);
    bool remove = directive_of(item) == "delete";
    if (remove) {
      if (existing != merged.end()) merged.erase(existing);
    } else if (existing != merged.end()) {
      *existing = merge_value(field, *existing, item);
    } else {
      merged.push_back(merge_value(field, json::object(), item));
    }
  }
  return merged;
}

json merge_value(const std::string& field, const json& original, const json& patch) {
  if (patch.is_array()) return merge_list(field, original, patch);
  if (!patch.is_object()) return patch;
  if (directive_of(patch) == "replace") {
    json replaced = patch;
    replaced.erase("$patch");
    return replaced;
  }
  json merged = original.is_object() ? original : json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    if (it.key() == "$patch" || it.key().rfind("$setElementOrder/", 0) == 0 ||
        it.key().rfind("$deleteFromPrimitiveList/", 0) == 0 || it.key() == "$retainKeys")
      continue;
    if (it->is_null())
      merged.erase(it.key());
    else
      merged[it.key()] = merge_value(it.key(), merged.value(it.key(), json()), *it);
  }
  return merged;
}

}  // namespace

json strategic_merge(const json& original, const json& patch) { return merge_value("", original, patch); }

}  // namespace orkest::model
