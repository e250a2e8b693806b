#include "model/forgiven_shapes.hpp"

#include <algorithm>
#include <cctype>

#include "model/json_access.hpp"
#include "model/kind_strategy.hpp"
#include "model/shorthand.hpp"

namespace orkest::model {

using nlohmann::json;

namespace {

bool equal_ignoring_case(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

bool is_missing(const json& body, const char* field) {
  auto found = body.find(field);
  return found == body.end() || found->is_null() || (found->is_string() && found->get<std::string>().empty());
}

void canonicalise_kind(json& body, std::vector<std::string>& warnings) {
  auto found = body.find("kind");
  if (found == body.end() || !found->is_string()) return;
  const auto written = found->get<std::string>();
  const resource_kind* canonical = find_kind_ignoring_case(written);
  if (!canonical || canonical->kind == written) return;
  *found = canonical->kind;
  warnings.push_back("kind \"" + written + "\" was read as \"" + canonical->kind + "\"");
}

void fill_from_url(const resource_kind& kind, json& body, std::vector<std::string>& warnings) {
  if (is_missing(body, "kind")) {
    body["kind"] = kind.kind;
    warnings.push_back("the body has no kind: \"" + kind.kind + "\" was assumed from the URL");
  }
  // The apiVersion of the kind the body names, when that is a kind orkest knows: a Service
  // posted to the pods collection is created as a Service (request_handler).
  const resource_kind* named = body["kind"].is_string() ? find_kind(body["kind"].get<std::string>()) : nullptr;
  const resource_kind& versioned = named ? *named : kind;
  if (is_missing(body, "apiVersion")) {
    body["apiVersion"] = versioned.api_version();
    warnings.push_back("the body has no apiVersion: \"" + versioned.api_version() + "\" was assumed from the URL");
  }
}

void fill_name(const std::string& url_name, json& body, std::vector<std::string>& warnings) {
  if (url_name.empty()) return;
  json& metadata = body["metadata"];
  if (metadata.is_null()) metadata = json::object();
  if (!metadata.is_object() || !is_missing(metadata, "name")) return;
  metadata["name"] = url_name;
  warnings.push_back("the body has no metadata.name: \"" + url_name + "\" was taken from the URL");
}

// {"name": "web", "app": "web"} -> {"name": "web", "labels": {"app": "web"}}
void labels_from_metadata(json& owner, const std::string& path, std::vector<std::string>& warnings) {
  json* metadata = object_member(owner, "metadata");
  if (!metadata) return;
  std::vector<std::string> label_keys;  // collected first: the loop below erases them
  for (const auto& [key, value] : metadata->items())
    if (!is_object_meta_field(key) && value.is_string()) label_keys.push_back(key);
  json* labels = nullptr;
  for (const auto& name : label_keys) {
    if (!labels) {
      json& existing = (*metadata)["labels"];
      if (existing.is_null()) existing = json::object();
      if (!existing.is_object()) return;
      labels = &existing;
    }
    const json& value = (*metadata)[name];
    if (labels->contains(name) && (*labels)[name] != value) continue;  // unknown field: field validation says so
    (*labels)[name] = value;
    warnings.push_back(path + "." + name + " is not an ObjectMeta field: it was read as the label " + name + "=" +
                       value.get<std::string>());
    metadata->erase(name);
  }
}

}  // namespace

const resource_kind* find_kind_ignoring_case(const std::string& kind) {
  for (const auto& candidate : all_kinds())
    if (equal_ignoring_case(candidate.kind, kind)) return &candidate;
  return nullptr;
}

std::vector<std::string> forgive_shapes(const resource_kind& kind, const std::string& url_name, json& body) {
  std::vector<std::string> warnings;
  if (!body.is_object()) return warnings;
  canonicalise_kind(body, warnings);
  fill_from_url(kind, body, warnings);
  fill_name(url_name, body, warnings);
  labels_from_metadata(body, "metadata", warnings);
  if (strategy_for(kind).has_pod_template)
    if (json* spec = object_member(body, "spec"))
      if (json* pod_template = object_member(*spec, "template"))
        labels_from_metadata(*pod_template, "spec.template.metadata", warnings);
  return warnings;
}

std::vector<std::string> keep_unsent_spec_fields(const resource_kind& kind, const json& stored, json& body) {
  std::vector<std::string> warnings;
  if (!strategy_for(kind).has_pod_template) return warnings;
  json* spec = object_member(body, "spec");
  const json* stored_spec = member(stored, "spec");
  if (!spec || !stored_spec || !stored_spec->is_object()) return warnings;
  if (member(*spec, "selector") && member(*spec, "template")) return warnings;  // a full spec
  std::vector<std::string> kept;
  for (const auto& [field, value] : stored_spec->items()) {
    if (member(*spec, field.c_str())) continue;
    (*spec)[field] = value;
    kept.push_back("spec." + field);
  }
  if (kept.empty()) return warnings;
  std::string list;
  for (const auto& field : kept) list += (list.empty() ? "" : ", ") + field;
  warnings.push_back("the body's spec is partial: the stored " + list + (kept.size() == 1 ? " was" : " were") +
                     " kept");
  return warnings;
}

}  // namespace orkest::model
