// Namespace (core/v1, cluster-scoped): a scope for names. DELETE marks it Terminating; the
// namespace controller (actors/namespace_controller) deletes everything in it, then empties
// spec.finalizers, and the store removes it (finalized_deletion). default, kube-system,
// kube-public and kube-node-lease always exist (model/namespaces.hpp).

#include "model/json_access.hpp"
#include "model/kinds/building_blocks.hpp"
#include "model/namespaces.hpp"

namespace orkest::model::kinds {
namespace {

void default_namespace(json& object) {
  if (json* metadata = object_member(object, "metadata")) {
    const auto name = string_member(*metadata, "name");
    if (!metadata->contains("labels") || (*metadata)["labels"].is_null()) (*metadata)["labels"] = json::object();
    if (json* labels = object_member(*metadata, "labels"); labels && !name.empty()) (*labels)[namespace_name_label] = name;
  }
  if (!object.contains("spec")) object["spec"] = json::object();
  if (json* spec = object_member(object, "spec")) set_default(*spec, "finalizers", json::array({"kubernetes"}));
}

void validate_namespace(field_causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_label);
  if (const json* spec_object = member(object, "spec")) {
    if (!spec_object->is_object()) {
      found.push_back(fe::type_invalid("spec", *spec_object, "object"));
    } else {
      reader spec(found, *spec_object, "spec");
      spec.string_array("finalizers");
      if (const json* finalizers = spec.array("finalizers"))
        for (std::size_t i = 0; i < finalizers->size(); ++i)
          if ((*finalizers)[i].is_string())
            fe::add_invalid(found, fe::index(spec.path("finalizers"), i), (*finalizers)[i],
                            name_rules::qualified_name((*finalizers)[i].get<std::string>()));
    }
  }
  if (const json* status_object = member(object, "status"); status_object && status_object->is_object()) {
    reader status(found, *status_object, "status");
    status.optional_one_of("phase", {"Active", "Terminating"});
  }
}

json active(const json&) { return {{"phase", "Active"}}; }

const char* deletion_forbidden(const json& object) {
  return is_immortal_namespace(string_member(member_or_null(object, "metadata"), "name"))
             ? "this namespace may not be deleted"
             : nullptr;
}

const json& namespace_schema() {
  static const json schema = top_level({{"finalizers", any()}});
  return schema;
}

json namespace_columns() {
  return json::array({column("Name", "string", name_description, 0, "name"),
                      column("Status", "string", "The status of the namespace"),
                      column("Age", "string", age_description)});
}

json namespace_cells(const json& object, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(object, "metadata");
  auto phase = string_member(member_or_null(object, "status"), "phase");
  if (phase.empty()) phase = metadata.contains("deletionTimestamp") ? "Terminating" : "Active";
  return json::array({string_member(metadata, "name"), phase, age_of(string_member(metadata, "creationTimestamp"), now)});
}

}  // namespace

kind_strategy namespace_kind() {
  kind_strategy strategy;
  strategy.names = {"Namespace", "NamespaceList", "namespaces", "namespace", "", "v1", {"ns"}, false};
  strategy.apply_defaults = default_namespace;
  strategy.validate = validate_namespace;
  strategy.initial_status = active;
  strategy.finalized_deletion = true;
  strategy.deletion_forbidden = deletion_forbidden;
  strategy.schema = namespace_schema;
  strategy.table_columns = namespace_columns;
  strategy.table_cells = namespace_cells;
  return strategy;
}

}  // namespace orkest::model::kinds
