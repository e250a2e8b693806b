#include "model/validation_rules.hpp"

#include <algorithm>
#include <cctype>

#include "model/label_selector.hpp"
#include "model/name_rules.hpp"

namespace orkest::model {

using nlohmann::json;
namespace fe = field_error;

namespace {

constexpr std::size_t max_annotations_bytes = 256 * 1024;

field_causes annotation_errors(const json& annotations, const std::string& path) {
  if (!annotations.is_object()) return {fe::type_invalid(path, annotations, "object")};
  field_causes found;
  std::size_t total_bytes = 0;
  for (const auto& [key, value] : annotations.items()) {
    std::string lowered = key;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    fe::add_invalid(found, path, key, name_rules::qualified_name(lowered));
    if (!value.is_string())
      found.push_back(fe::type_invalid(fe::key(path, key), value, "string"));
    else
      total_bytes += key.size() + value.get_ref<const std::string&>().size();
  }
  if (total_bytes > max_annotations_bytes) found.push_back(fe::too_long(path, max_annotations_bytes));
  return found;
}

}  // namespace

void add_port_number_errors(field_causes& found, const std::string& path, long long port) {
  fe::add_invalid(found, path, port, name_rules::port_number(port));
}

// labels and annotations, shared by objects and pod templates.
void validate_labels_and_annotations(field_causes& found, const json& metadata, const std::string& path) {
  if (const json* labels = member(metadata, "labels")) fe::append(found, label_errors(*labels, fe::child(path, "labels")));
  if (const json* annotations = member(metadata, "annotations"))
    fe::append(found, annotation_errors(*annotations, fe::child(path, "annotations")));
}

void validate_object_meta(field_causes& found, const json& object, name_rule name_format) {
  const json* metadata = member(object, "metadata");
  if (!metadata) {
    found.push_back(fe::required("metadata.name", "name or generateName is required"));
    return;
  }
  if (!metadata->is_object()) {
    found.push_back(fe::type_invalid("metadata", *metadata, "object"));
    return;
  }
  reader meta(found, *metadata, "metadata");
  const auto generate_name = meta.string("generateName");
  if (generate_name && !generate_name->empty()) {
    // A prefix may end in '-': Kubernetes checks it as if a letter followed.
    std::string masked = *generate_name;
    if (masked.size() > 1 && masked.back() == '-') masked.back() = 'a';
    fe::add_invalid(found, meta.path("generateName"), *generate_name, name_format(masked));
  }
  const auto name = meta.string("name");
  if (name && !name->empty())
    fe::add_invalid(found, meta.path("name"), *name, name_format(*name));
  else if ((!meta.present("name") || name) && !(generate_name && !generate_name->empty()))
    found.push_back(fe::required(meta.path("name"), "name or generateName is required"));
  if (auto ns = meta.string("namespace"); ns && !ns->empty())
    fe::add_invalid(found, meta.path("namespace"), *ns, name_rules::dns1123_label(*ns));
  validate_labels_and_annotations(found, *metadata, "metadata");
}

// A field orkest does not honour yet is refused rather than stored and ignored: a pod asking for
// `runAsNonRoot` or a read-only volume must not run believing it got them. Absent, null, false
// and empty values ask for nothing and pass.
void refuse_unhonoured(field_causes& found, const reader& fields, const json& object, const char* name,
                       const char* why) {
  const json* value = member(object, name);
  if (!value || value->is_null() || *value == false || ((value->is_object() || value->is_array()) && value->empty()))
    return;
  found.push_back(fe::forbidden(fields.path(name), std::string("not supported by orkest: ") + why));
}

// The spec to check: an absent spec checks as an empty one, so each required field is named.
std::optional<json> spec_of(field_causes& found, const json& object) {
  const json* spec = member(object, "spec");
  if (!spec) return json::object();
  if (spec->is_object()) return *spec;
  found.push_back(fe::type_invalid("spec", *spec, "object"));
  return std::nullopt;
}

}  // namespace orkest::model
