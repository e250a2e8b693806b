// Lease (coordination.k8s.io/v1): a holder's claim, renewed while it lives. Each node renews
// one named after itself in kube-node-lease (actors/node_agent); the node lifecycle controller
// reads its renewTime to tell a live node from a lost one.

#include "model/json_access.hpp"
#include "model/kinds/building_blocks.hpp"
#include "model/timestamp.hpp"

namespace orkest::model::kinds {
namespace {

// Kubernetes defaults no field of a Lease.
void default_lease(json&) {}

void validate_time(field_causes& found, reader& spec, const char* name) {
  if (auto text = spec.string(name); text && !parse_rfc3339(*text))
    found.push_back(fe::invalid(spec.path(name), *text, "must be an RFC 3339 time (2006-01-02T15:04:05.000000Z)"));
}

void validate_lease(field_causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  const json* spec_object = member(object, "spec");
  if (!spec_object) return;
  if (!spec_object->is_object()) {
    found.push_back(fe::type_invalid("spec", *spec_object, "object"));
    return;
  }
  reader spec(found, *spec_object, "spec");
  spec.string("holderIdentity");
  if (auto duration = spec.integer("leaseDurationSeconds"); duration && *duration <= 0)
    found.push_back(fe::invalid(spec.path("leaseDurationSeconds"), *duration, "must be greater than 0"));
  spec.non_negative("leaseTransitions");
  validate_time(found, spec, "acquireTime");
  validate_time(found, spec, "renewTime");
  refuse_unhonoured(found, spec, *spec_object, "strategy", "coordinated leader election is not served");
  refuse_unhonoured(found, spec, *spec_object, "preferredHolder", "coordinated leader election is not served");
}

const json& lease_schema() {
  static const json schema = [] {
    json known = top_level(any());
    known.erase("status");
    return known;
  }();
  return schema;
}

json lease_columns() {
  return json::array({column("Name", "string", name_description, 0, "name"),
                      column("Holder", "string", "Holder of the lease"),
                      column("Age", "string", age_description)});
}

json lease_cells(const json& object, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(object, "metadata");
  return json::array({string_member(metadata, "name"), string_member(member_or_null(object, "spec"), "holderIdentity"),
                      age_of(string_member(metadata, "creationTimestamp"), now)});
}

}  // namespace

kind_strategy lease() {
  kind_strategy strategy;
  strategy.names = {"Lease", "LeaseList", "leases", "lease", "coordination.k8s.io", "v1", {}, true};
  strategy.has_status = false;
  strategy.apply_defaults = default_lease;
  strategy.validate = validate_lease;
  strategy.schema = lease_schema;
  strategy.table_columns = lease_columns;
  strategy.table_cells = lease_cells;
  return strategy;
}

}  // namespace orkest::model::kinds
