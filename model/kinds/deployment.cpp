// Deployment (apps/v1): rolls its pod template out through one ReplicaSet per template
// (actors/deployment_controller.cpp, control/deployment_rollout.cpp).

#include "model/kinds/building_blocks.hpp"

namespace orkest::model::kinds {
namespace {

void expand_deployment_shorthands(json& object) {
  if (json* spec = object_member(object, "spec")) expand_template_shorthands(*spec);
}

void default_deployment(json& object) {
  json* spec = object_member(object, "spec");
  if (!spec) return;
  set_default(*spec, "replicas", 1);
  set_default(*spec, "revisionHistoryLimit", 10);
  set_default(*spec, "progressDeadlineSeconds", 600);
  if (!member(*spec, "strategy") || member_or_null(*spec, "strategy").is_null()) (*spec)["strategy"] = json::object();
  if (json* strategy = object_member(*spec, "strategy")) {
    set_default(*strategy, "type", "RollingUpdate");
    if (member_or_null(*strategy, "type") == "RollingUpdate") {
      if (!member(*strategy, "rollingUpdate") || member_or_null(*strategy, "rollingUpdate").is_null())
        (*strategy)["rollingUpdate"] = json::object();
      if (json* rolling = object_member(*strategy, "rollingUpdate")) {
        set_default(*rolling, "maxSurge", "25%");
        set_default(*rolling, "maxUnavailable", "25%");
      }
    }
  }
  json* pod_template = object_member(*spec, "template");
  if (json* pod_spec = pod_template ? object_member(*pod_template, "spec") : nullptr) default_pod_spec(*pod_spec);
}

// An IntOrString of a rolling update: a non-negative integer or "N%".
void validate_int_or_percent(field_causes& found, const json& value, const std::string& path) {
  if (value.is_number_integer()) {
    if (value.get<long long>() < 0) found.push_back(fe::invalid(path, value, "must be greater than or equal to 0"));
    return;
  }
  if (!value.is_string()) {
    found.push_back(fe::type_invalid(path, value, "integer or string"));
    return;
  }
  const auto text = value.get<std::string>();
  const bool percent = text.size() >= 2 && text.back() == '%' &&
                       std::all_of(text.begin(), text.end() - 1, [](char c) { return c >= '0' && c <= '9'; });
  if (!percent) {
    found.push_back(fe::invalid(path, value, "a valid percent string must be a numeric string followed by an ending '%' "
                                             "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
    return;
  }
  if (std::stoll(text.substr(0, text.size() - 1)) > 100)
    found.push_back(fe::invalid(path, value, "must not be greater than 100%"));
}

bool is_zero(const json& value) {
  return (value.is_number_integer() && value.get<long long>() == 0) || value == "0%";
}

void validate_strategy(field_causes& found, reader& spec) {
  const json* strategy = spec.object("strategy");
  if (!strategy) return;
  reader fields(found, *strategy, spec.path("strategy"));
  fields.optional_one_of("type", {"Recreate", "RollingUpdate"});
  const json* rolling = fields.object("rollingUpdate");
  if (member_or_null(*strategy, "type") == "Recreate") {
    if (rolling) found.push_back(fe::forbidden(fields.path("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"));
    return;
  }
  if (!rolling) return;
  const auto surge = member_or_null(*rolling, "maxSurge");
  const auto unavailable = member_or_null(*rolling, "maxUnavailable");
  const auto rolling_path = fields.path("rollingUpdate");
  if (!surge.is_null()) validate_int_or_percent(found, surge, fe::child(rolling_path, "maxSurge"));
  if (!unavailable.is_null()) validate_int_or_percent(found, unavailable, fe::child(rolling_path, "maxUnavailable"));
  if (!surge.is_null() && !unavailable.is_null() && is_zero(surge) && is_zero(unavailable))
    found.push_back(fe::invalid(fe::child(rolling_path, "maxUnavailable"), unavailable,
                                "may not be 0 when `maxSurge` is 0"));
}

void validate_deployment(field_causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  const auto spec_value = spec_of(found, object);
  if (!spec_value) return;
  reader spec(found, *spec_value, "spec");
  validate_replicated_pods(found, spec, *spec_value, "Deployment");
  spec.non_negative("revisionHistoryLimit");
  if (auto deadline = spec.integer("progressDeadlineSeconds")) {
    if (*deadline <= 0)
      found.push_back(fe::invalid(spec.path("progressDeadlineSeconds"), *deadline, "must be greater than 0"));
    else if (auto min_ready = spec.integer("minReadySeconds"); min_ready && *deadline <= *min_ready)
      found.push_back(fe::invalid(spec.path("progressDeadlineSeconds"), *deadline,
                                  "must be greater than minReadySeconds"));
  }
  if (auto paused = member(*spec_value, "paused"); paused && !paused->is_boolean() && !paused->is_null())
    found.push_back(fe::type_invalid(spec.path("paused"), *paused, "boolean"));
  validate_strategy(found, spec);
}

std::vector<status_cause> validate_deployment_update(const json& stored, const json& updated) {
  const auto& selector = member_or_null(member_or_null(updated, "spec"), "selector");
  if (selector == member_or_null(member_or_null(stored, "spec"), "selector")) return {};
  return {fe::invalid("spec.selector", selector, "field is immutable")};
}

json no_replicas_yet(const json&) { return json::object(); }

const json& deployment_schema() {
  static const json schema = top_level({{"replicas", any()},
                                        {"minReadySeconds", any()},
                                        {"revisionHistoryLimit", any()},
                                        {"progressDeadlineSeconds", any()},
                                        {"paused", any()},
                                        {"strategy", {{"type", any()}, {"rollingUpdate", {{"maxSurge", any()}, {"maxUnavailable", any()}}}}},
                                        {"selector", {{"matchLabels", any()}, {"matchExpressions", any()}}},
                                        {"template", {{"metadata", field_schema::object_meta()}, {"spec", pod_spec_schema()}}}});
  return schema;
}

// ---- printDeployment ----

json deployment_columns() {
  return json::array({
      column("Name", "string", name_description, 0, "name"),
      column("Ready", "string", "Number of the pod with ready state"),
      column("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
      column("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
      column("Age", "string", age_description),
      column("Containers", "string", "Names of each container in the template.", 1),
      column("Images", "string", "Images referenced by each container in the template.", 1),
      column("Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1),
  });
}

json deployment_cells(const json& deployment, std::chrono::system_clock::time_point now) {
  const auto& metadata = member_or_null(deployment, "metadata");
  const auto& spec = member_or_null(deployment, "spec");
  const auto& status = member_or_null(deployment, "status");
  const auto [names, images] = template_containers_and_images(spec);
  const auto& replicas = member_or_null(spec, "replicas");
  const int64_t desired = replicas.is_number_integer() ? replicas.get<int64_t>() : 1;
  return json::array({string_member(metadata, "name"),
                      std::to_string(integer(status, "readyReplicas")) + "/" + std::to_string(desired),
                      integer(status, "updatedReplicas"), integer(status, "availableReplicas"),
                      age_of(string_member(metadata, "creationTimestamp"), now), names, images,
                      or_none(label_selector_string(member_or_null(spec, "selector")))});
}

}  // namespace

kind_strategy deployment() {
  kind_strategy strategy;
  strategy.names = {"Deployment", "DeploymentList", "deployments", "deployment", "apps", "v1", {"deploy"}, true};
  strategy.categories = {"all"};
  strategy.has_scale = true;
  strategy.expand_shorthands = expand_deployment_shorthands;
  strategy.apply_defaults = default_deployment;
  strategy.validate = validate_deployment;
  strategy.validate_update = validate_deployment_update;
  strategy.initial_status = no_replicas_yet;
  strategy.has_pod_template = true;
  strategy.schema = deployment_schema;
  strategy.table_columns = deployment_columns;
  strategy.table_cells = deployment_cells;
  return strategy;
}

}  // namespace orkest::model::kinds
