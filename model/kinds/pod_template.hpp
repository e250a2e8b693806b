#pragma once
// What a Pod and every kind that makes pods from a template (ReplicaSet; Deployment next) share:
// the pod spec's shorthands, defaults, validation and known fields, and a template's.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "model/label_selector.hpp"
#include "model/validation_rules.hpp"

namespace orkest::model::kinds {

// env given as a map {"K": "V"} -> [{name: K, value: V}] in each of owner.spec.containers.
void expand_env_maps(nlohmann::json& owner);
// In a spec holding selector and template: a flat selector map -> {matchLabels: map}; template
// metadata holding labels directly -> {labels: map}; env maps in the template's containers; the
// selector's matchLabels the template lacks are added to it, so the pods carry them.
void expand_template_shorthands(nlohmann::json& spec);

// restartPolicy Always, terminationGracePeriodSeconds 30, dnsPolicy ClusterFirst,
// containers[].imagePullPolicy (Always for :latest or no tag, else IfNotPresent),
// terminationMessagePath/Policy, ports[].protocol TCP.
void default_pod_spec(nlohmann::json& spec);

// Exactly one container with a name (DNS-1123 label) and an image; ports 1..65535; env names;
// restartPolicy, dnsPolicy, imagePullPolicy among Kubernetes' values; what orkest cannot honour
// (volumes, host namespaces, parts of securityContext) refused.
void validate_pod_spec(field_causes& found, const nlohmann::json* spec, const std::string& path);
// A template's labels and annotations, its labels matching `selector`, its pod spec, and
// restartPolicy Always (a controller replaces pods that end).
void validate_pod_template(field_causes& found, const nlohmann::json& pod_template, const std::string& path,
                           const std::optional<label_selector>& selector);

// What every kind that keeps `replicas` pods of a template checks (ReplicaSet, Deployment):
// replicas 0..2^31-1, minReadySeconds, a selector that is valid and not empty, and a template
// whose labels it matches.
void validate_replicated_pods(field_causes& found, reader& spec, const nlohmann::json& spec_value, const char* kind);

// The names and the images of spec.template's containers, each comma-joined: the CONTAINERS and
// IMAGES columns of `kubectl get rs|deploy -o wide`.
std::pair<std::string, std::string> template_containers_and_images(const nlohmann::json& spec);

// The pod spec's known fields.
const nlohmann::json& pod_spec_schema();

}  // namespace orkest::model::kinds
