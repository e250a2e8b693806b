#include "model/kinds/node_scheduling.hpp"

#include <set>

#include "model/kinds/building_blocks.hpp"
#include "model/label_selector.hpp"

namespace orkest::model::kinds {
namespace {

const std::vector<std::string> taint_effects = {"NoSchedule", "PreferNoSchedule", "NoExecute"};

void validate_key(field_causes& found, reader& fields, bool required) {
  auto key = required ? fields.required_string("key") : fields.string("key");
  if (key && !key->empty()) fe::add_invalid(found, fields.path("key"), *key, name_rules::qualified_name(*key));
}

void validate_value(field_causes& found, reader& fields) {
  if (auto value = fields.string("value"); value && !value->empty())
    fe::add_invalid(found, fields.path("value"), *value, name_rules::label_value(*value));
}

// Kubernetes' ValidateTolerations.
void validate_tolerations(field_causes& found, reader& spec) {
  for_each_object(found, spec.array("tolerations"), spec.path("tolerations"), [&](reader& toleration, std::size_t) {
    validate_key(found, toleration, false);
    auto op = toleration.string("operator").value_or("");
    auto key = toleration.string("key").value_or("");
    auto value = toleration.string("value").value_or("");
    if (key.empty() && op != "Exists")
      found.push_back(fe::invalid(toleration.path("operator"), op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
    if (op == "Exists" && !value.empty())
      found.push_back(fe::invalid(toleration.path("operator"), toleration.path("value"), "value must be empty when `operator` is 'Exists'"));
    else if (!op.empty() && op != "Equal" && op != "Exists")
      found.push_back(fe::not_supported(toleration.path("operator"), op, {"Equal", "Exists"}));
    if (op != "Exists") validate_value(found, toleration);
    toleration.optional_one_of("effect", taint_effects);
    if (toleration.present("tolerationSeconds")) {
      toleration.integer("tolerationSeconds");
      if (toleration.string("effect").value_or("") != "NoExecute")
        found.push_back(fe::invalid(toleration.path("effect"), toleration.string("effect").value_or(""),
                                    "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
  });
}

const std::vector<std::string> selector_operators = {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"};

// A NodeSelectorTerm: matchExpressions on labels, matchFields on metadata.name.
void validate_node_selector_term(field_causes& found, reader& term) {
  for_each_object(found, term.array("matchExpressions"), term.path("matchExpressions"), [&](reader& requirement, std::size_t) {
    validate_key(found, requirement, true);
    requirement.required_one_of("operator", selector_operators);
    requirement.string_array("values");
    const auto op = requirement.string("operator").value_or("");
    const json* values = requirement.array("values");
    const std::size_t count = values ? values->size() : 0;
    if ((op == "In" || op == "NotIn") && count == 0)
      found.push_back(fe::required(requirement.path("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
    if ((op == "Exists" || op == "DoesNotExist") && count > 0)
      found.push_back(fe::forbidden(requirement.path("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    if (op == "Gt" || op == "Lt") {
      if (count != 1) found.push_back(fe::required(requirement.path("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      else if ((*values)[0].is_string()) {
        const auto text = (*values)[0].get<std::string>();
        bool digits = !text.empty();
        for (std::size_t i = 0; i < text.size(); ++i)
          digits = digits && (std::isdigit(static_cast<unsigned char>(text[i])) || (i == 0 && text[i] == '-' && text.size() > 1));
        if (!digits) found.push_back(fe::invalid(fe::index(requirement.path("values"), 0), text, "must be an integer"));
      }
    }
    for (std::size_t i = 0; values && i < values->size(); ++i)
      if ((*values)[i].is_string() && (op == "In" || op == "NotIn"))
        fe::add_invalid(found, fe::index(requirement.path("values"), i), (*values)[i], name_rules::label_value((*values)[i].get<std::string>()));
  });
  for_each_object(found, term.array("matchFields"), term.path("matchFields"), [&](reader& requirement, std::size_t) {
    if (auto key = requirement.required_string("key"); key && *key != "metadata.name")
      found.push_back(fe::not_supported(requirement.path("key"), *key, {"metadata.name"}));
    requirement.required_one_of("operator", {"In", "NotIn"});
    const json* values = requirement.array("values");
    requirement.string_array("values");
    if (!values || values->size() != 1)
      found.push_back(fe::required(requirement.path("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  });
}

void validate_affinity(field_causes& found, reader& spec) {
  const json* affinity_object = spec.object("affinity");
  if (!affinity_object) return;
  reader affinity(found, *affinity_object, spec.path("affinity"));
  refuse_unhonoured(found, affinity, *affinity_object, "podAffinity", "the scheduler places pods by node, not beside other pods");
  refuse_unhonoured(found, affinity, *affinity_object, "podAntiAffinity", "the scheduler places pods by node, not away from other pods");
  const json* node_object = affinity.object("nodeAffinity");
  if (!node_object) return;
  reader node(found, *node_object, affinity.path("nodeAffinity"));
  if (const json* required_object = node.object("requiredDuringSchedulingIgnoredDuringExecution")) {
    reader required(found, *required_object, node.path("requiredDuringSchedulingIgnoredDuringExecution"));
    const json* terms = required.array("nodeSelectorTerms");
    if (!terms || terms->empty()) found.push_back(fe::required(required.path("nodeSelectorTerms"), "must have at least one node selector term"));
    for_each_object(found, terms, required.path("nodeSelectorTerms"), [&](reader& term, std::size_t) { validate_node_selector_term(found, term); });
  }
  const json* preferred = node.array("preferredDuringSchedulingIgnoredDuringExecution");
  for_each_object(found, preferred, node.path("preferredDuringSchedulingIgnoredDuringExecution"), [&](reader& preference, std::size_t i) {
    auto weight = preference.integer("weight");
    if (!weight || *weight < 1 || *weight > 100)
      found.push_back(fe::invalid(preference.path("weight"), member_or_null((*preferred)[i], "weight"), "must be in the range 1-100"));
    if (const json* term = preference.object("preference")) {
      reader chosen(found, *term, preference.path("preference"));
      validate_node_selector_term(found, chosen);
    } else {
      found.push_back(fe::required(preference.path("preference")));
    }
  });
}

}  // namespace

void validate_taints(field_causes& found, reader& spec) {
  std::set<std::pair<std::string, std::string>> seen;
  for_each_object(found, spec.array("taints"), spec.path("taints"), [&](reader& taint, std::size_t) {
    validate_key(found, taint, true);
    validate_value(found, taint);
    taint.required_one_of("effect", taint_effects);
    taint.string("timeAdded");
    auto key = taint.string("key").value_or(""), effect = taint.string("effect").value_or("");
    if (!seen.insert({key, effect}).second)
      found.push_back(fe::duplicate(taint.path("effect"), effect));
  });
}

void validate_pod_scheduling(field_causes& found, reader& spec, const json& pod_spec) {
  if (auto node_name = spec.string("nodeName"); node_name && !node_name->empty())
    fe::add_invalid(found, spec.path("nodeName"), *node_name, name_rules::dns1123_subdomain(*node_name));
  if (const json* selector = spec.object("nodeSelector")) fe::append(found, label_errors(*selector, spec.path("nodeSelector")));
  if (auto scheduler = spec.string("schedulerName"); scheduler && !scheduler->empty())
    fe::add_invalid(found, spec.path("schedulerName"), *scheduler, name_rules::dns1123_subdomain(*scheduler));
  validate_tolerations(found, spec);
  validate_affinity(found, spec);
  refuse_unhonoured(found, spec, pod_spec, "topologySpreadConstraints",
                    "the scheduler spreads a controller's pods over nodes by itself, without constraints");
}

}  // namespace orkest::model::kinds
