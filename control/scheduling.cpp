#include "control/scheduling.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "model/container_resources.hpp"
#include "model/json_access.hpp"
#include "control/pod_facts.hpp"

namespace orkest::control {

using nlohmann::json;
using model::member_or_null;
using model::string_member;

namespace {

// Kubernetes' scheduler scores a pod that requests nothing as if it asked this much
// (pkg/scheduler/util: DefaultMilliCPURequest, DefaultMemoryRequest), so such pods still spread.
constexpr std::int64_t scoring_cpu_millis = 100;
constexpr std::int64_t scoring_memory_bytes = 200 * 1024 * 1024;

// Kubernetes' default plugin weights for the scores orkest computes.
constexpr std::int64_t resources_weight = 1, affinity_weight = 2, taint_weight = 3, spread_weight = 2;

resource_amounts container_requests(const json& container) {
  const auto resources = model::resources_of(container);
  resource_amounts amounts;
  if (resources.cpu_request) amounts.cpu_millis = resources.cpu_request->milli_value();
  if (resources.memory_request) amounts.memory_bytes = resources.memory_request->value();
  return amounts;
}

std::int64_t amount_of(const json& list, const char* name, bool milli) {
  auto value = model::quantity_of(member_or_null(list, name));
  if (!value) return 0;
  return milli ? value->milli_value() : value->value();
}

std::map<std::string, std::string> node_labels(const json& node) {
  std::map<std::string, std::string> labels;
  const json& map = member_or_null(member_or_null(node, "metadata"), "labels");
  if (map.is_object())
    for (const auto& [key, value] : map.items())
      if (value.is_string()) labels[key] = value.get<std::string>();
  return labels;
}

std::optional<std::int64_t> integer_of(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::size_t used = 0;
  try {
    auto value = std::stoll(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// One NodeSelectorRequirement against a value that is present or not.
bool requirement_matches(const json& requirement, const std::optional<std::string>& value) {
  const auto op = string_member(requirement, "operator");
  std::vector<std::string> values;
  const json& listed = member_or_null(requirement, "values");
  if (listed.is_array())
    for (const auto& v : listed)
      if (v.is_string()) values.push_back(v.get<std::string>());
  const bool listed_value = value && std::find(values.begin(), values.end(), *value) != values.end();
  if (op == "In") return listed_value;
  if (op == "NotIn") return !listed_value;
  if (op == "Exists") return value.has_value();
  if (op == "DoesNotExist") return !value.has_value();
  if (op == "Gt" || op == "Lt") {
    if (!value || values.size() != 1) return false;
    auto have = integer_of(*value), want = integer_of(values[0]);
    if (!have || !want) return false;
    return op == "Gt" ? *have > *want : *have < *want;
  }
  return false;
}

// A NodeSelectorTerm: its expressions (on labels) and fields (metadata.name) all match; a term
// with neither matches nothing.
bool term_matches(const json& term, const json& node, const std::map<std::string, std::string>& labels) {
  const json& expressions = member_or_null(term, "matchExpressions");
  const json& fields = member_or_null(term, "matchFields");
  const bool has_expressions = expressions.is_array() && !expressions.empty();
  const bool has_fields = fields.is_array() && !fields.empty();
  if (!has_expressions && !has_fields) return false;
  if (has_expressions)
    for (const auto& requirement : expressions) {
      auto found = labels.find(string_member(requirement, "key"));
      std::optional<std::string> value;
      if (found != labels.end()) value = found->second;
      if (!requirement_matches(requirement, value)) return false;
    }
  if (has_fields)
    for (const auto& requirement : fields) {
      // metadata.name is the only field Kubernetes allows here (validated).
      if (string_member(requirement, "key") != "metadata.name") return false;
      if (!requirement_matches(requirement, name_of(node))) return false;
    }
  return true;
}

const json& node_affinity(const json& pod) {
  return member_or_null(member_or_null(member_or_null(pod, "spec"), "affinity"), "nodeAffinity");
}

// The sum of the weights of the preferred node affinity terms the node matches.
std::int64_t preferred_affinity_weight(const json& pod, const json& node) {
  const auto labels = node_labels(node);
  std::int64_t weight = 0;
  const json& preferred = member_or_null(node_affinity(pod), "preferredDuringSchedulingIgnoredDuringExecution");
  if (!preferred.is_array()) return 0;
  for (const auto& entry : preferred)
    if (term_matches(member_or_null(entry, "preference"), node, labels))
      weight += member_or_null(entry, "weight").is_number_integer() ? entry["weight"].get<std::int64_t>() : 0;
  return weight;
}

json taints_of(const json& node) {
  const json& taints = member_or_null(member_or_null(node, "spec"), "taints");
  return taints.is_array() ? taints : json::array();
}

const json& tolerations_of(const json& pod) { return member_or_null(member_or_null(pod, "spec"), "tolerations"); }

std::vector<host_port> host_ports_of(const json& pod) {
  std::vector<host_port> ports;
  for (const char* list : {"initContainers", "containers"}) {
    const json& containers = member_or_null(member_or_null(pod, "spec"), list);
    if (!containers.is_array()) continue;
    for (const auto& container : containers) {
      const json& declared = member_or_null(container, "ports");
      if (!declared.is_array()) continue;
      for (const auto& port : declared) {
        const json& number = member_or_null(port, "hostPort");
        if (!number.is_number_integer() || number.get<std::int64_t>() <= 0) continue;
        auto protocol = string_member(port, "protocol");
        ports.push_back({number.get<std::int64_t>(), protocol.empty() ? "TCP" : protocol, string_member(port, "hostIP")});
      }
    }
  }
  return ports;
}

bool is_wildcard(const std::string& ip) { return ip.empty() || ip == "0.0.0.0" || ip == "::"; }

bool ports_conflict(const std::vector<host_port>& wanted, const std::vector<host_port>& taken) {
  for (const auto& w : wanted)
    for (const auto& t : taken)
      if (w.port == t.port && w.protocol == t.protocol && (is_wildcard(w.ip) || is_wildcard(t.ip) || w.ip == t.ip))
        return true;
  return false;
}

using node_view = cluster_snapshot::node_view;

resource_amounts scoring_requests(const json& pod) {
  auto amounts = pod_requests(pod);
  if (amounts.cpu_millis == 0) amounts.cpu_millis = scoring_cpu_millis;
  if (amounts.memory_bytes == 0) amounts.memory_bytes = scoring_memory_bytes;
  return amounts;
}

// The reasons a node cannot take the pod, in the order of Kubernetes' filter plugins: each
// plugin that fails ends the node's check (resources may give several reasons at once).
std::vector<std::string> filter(const json& pod, const node_view& view, const resource_amounts& wanted,
                                const std::vector<host_port>& ports) {
  const json& tolerations = tolerations_of(pod);
  if (member_or_null(member_or_null(*view.node, "spec"), "unschedulable") == true &&
      !tolerates(tolerations, {{"key", "node.kubernetes.io/unschedulable"}, {"effect", "NoSchedule"}}))
    return {"node(s) were unschedulable"};
  for (const auto& taint : taints_of(*view.node)) {
    const auto effect = string_member(taint, "effect");
    if ((effect == "NoSchedule" || effect == "NoExecute") && !tolerates(tolerations, taint))
      return {"node(s) had untolerated taint {" + string_member(taint, "key") + ": " + string_member(taint, "value") + "}"};
  }
  if (!matches_node_selection(pod, *view.node)) return {"node(s) didn't match Pod's node affinity/selector"};
  if (ports_conflict(ports, view.ports_taken)) return {"node(s) didn't have free ports for the requested pod ports"};
  std::vector<std::string> reasons;
  if (view.requested.pods + 1 > view.allocatable.pods) reasons.push_back("Too many pods");
  if (wanted.cpu_millis > 0 && view.requested.cpu_millis + wanted.cpu_millis > view.allocatable.cpu_millis)
    reasons.push_back("Insufficient cpu");
  if (wanted.memory_bytes > 0 && view.requested.memory_bytes + wanted.memory_bytes > view.allocatable.memory_bytes)
    reasons.push_back("Insufficient memory");
  return reasons;
}

// LeastAllocated: the share of cpu and memory left free after the pod, 0..100.
std::int64_t least_allocated_score(const node_view& view, const resource_amounts& wanted) {
  auto free_share = [](std::int64_t capacity, std::int64_t used) -> std::int64_t {
    if (capacity <= 0 || used > capacity) return 0;
    return (capacity - used) * 100 / capacity;
  };
  return (free_share(view.allocatable.cpu_millis, view.scoring_requested.cpu_millis + wanted.cpu_millis) +
          free_share(view.allocatable.memory_bytes, view.scoring_requested.memory_bytes + wanted.memory_bytes)) /
         2;
}

// Scores normalised as Kubernetes' NormalizeScore does: the best node gets 100.
std::vector<std::int64_t> normalised(const std::vector<std::int64_t>& raw, bool fewer_is_better) {
  const std::int64_t most = raw.empty() ? 0 : *std::max_element(raw.begin(), raw.end());
  std::vector<std::int64_t> scores;
  for (auto value : raw) {
    if (most == 0) scores.push_back(fewer_is_better ? 100 : 0);
    else scores.push_back(fewer_is_better ? 100 - value * 100 / most : value * 100 / most);
  }
  return scores;
}

}  // namespace

resource_amounts pod_requests(const json& pod) {
  const json& spec = member_or_null(pod, "spec");
  resource_amounts total;
  const json& containers = member_or_null(spec, "containers");
  if (containers.is_array())
    for (const auto& container : containers) {
      auto amounts = container_requests(container);
      total.cpu_millis += amounts.cpu_millis;
      total.memory_bytes += amounts.memory_bytes;
    }
  const json& init = member_or_null(spec, "initContainers");
  if (init.is_array())
    for (const auto& container : init) {
      auto amounts = container_requests(container);
      total.cpu_millis = std::max(total.cpu_millis, amounts.cpu_millis);
      total.memory_bytes = std::max(total.memory_bytes, amounts.memory_bytes);
    }
  const json& overhead = member_or_null(spec, "overhead");
  total.cpu_millis += amount_of(overhead, "cpu", true);
  total.memory_bytes += amount_of(overhead, "memory", false);
  total.pods = 1;
  return total;
}

resource_amounts node_allocatable(const json& node) {
  const json& status = member_or_null(node, "status");
  const json& allocatable = member_or_null(status, "allocatable");
  const json& list = allocatable.is_object() ? allocatable : member_or_null(status, "capacity");
  return {amount_of(list, "cpu", true), amount_of(list, "memory", false), amount_of(list, "pods", false)};
}

bool toleration_matches(const json& toleration, const json& taint) {
  const auto effect = string_member(toleration, "effect");
  if (!effect.empty() && effect != string_member(taint, "effect")) return false;
  const auto key = string_member(toleration, "key");
  if (!key.empty() && key != string_member(taint, "key")) return false;
  const auto op = string_member(toleration, "operator");
  if (op == "Exists") return true;
  return (op.empty() || op == "Equal") && string_member(toleration, "value") == string_member(taint, "value");
}

bool tolerates(const json& tolerations, const json& taint) {
  if (!tolerations.is_array()) return false;
  for (const auto& toleration : tolerations)
    if (toleration_matches(toleration, taint)) return true;
  return false;
}

bool matches_node_selection(const json& pod, const json& node) {
  const auto labels = node_labels(node);
  const json& selector = member_or_null(member_or_null(pod, "spec"), "nodeSelector");
  if (selector.is_object())
    for (const auto& [key, value] : selector.items()) {
      auto found = labels.find(key);
      if (found == labels.end() || !value.is_string() || found->second != value.get<std::string>()) return false;
    }
  const json& required = member_or_null(node_affinity(pod), "requiredDuringSchedulingIgnoredDuringExecution");
  if (required.is_null()) return true;
  const json& terms = member_or_null(required, "nodeSelectorTerms");
  if (!terms.is_array()) return false;
  for (const auto& term : terms)
    if (term_matches(term, node, labels)) return true;
  return false;
}

bool holds_node_resources(const json& pod) {
  if (string_member(member_or_null(pod, "spec"), "nodeName").empty()) return false;
  const auto phase = string_member(member_or_null(pod, "status"), "phase");
  return phase != "Succeeded" && phase != "Failed";
}

cluster_snapshot::cluster_snapshot(const std::vector<const json*>& nodes, const std::vector<const json*>& pods) {
  for (const json* node : nodes) {
    node_view view;
    view.node = node;
    view.allocatable = node_allocatable(*node);
    nodes_[name_of(*node)] = std::move(view);
  }
  for (const json* pod : pods)
    if (holds_node_resources(*pod)) place(*pod, string_member((*pod)["spec"], "nodeName"));
}

void cluster_snapshot::place(const json& pod, const std::string& node) {
  auto found = nodes_.find(node);
  if (found == nodes_.end()) return;
  auto& view = found->second;
  const auto amounts = pod_requests(pod), scoring = scoring_requests(pod);
  view.requested.cpu_millis += amounts.cpu_millis;
  view.requested.memory_bytes += amounts.memory_bytes;
  view.requested.pods += 1;
  view.scoring_requested.cpu_millis += scoring.cpu_millis;
  view.scoring_requested.memory_bytes += scoring.memory_bytes;
  auto ports = host_ports_of(pod);
  view.ports_taken.insert(view.ports_taken.end(), ports.begin(), ports.end());
  if (auto owner = controller_uid(pod); !owner.empty()) ++view.pods_by_owner[owner];
}

scheduling_decision cluster_snapshot::schedule(const json& pod) const {
  if (nodes_.empty()) return {"", "no nodes available to schedule pods"};
  const auto owner = controller_uid(pod);
  const auto wanted = pod_requests(pod), scoring_wanted = scoring_requests(pod);
  const auto ports = host_ports_of(pod);
  std::map<std::string, int> reason_counts;
  std::vector<std::pair<const std::string*, const node_view*>> feasible;
  for (const auto& [name, view] : nodes_) {
    auto reasons = filter(pod, view, wanted, ports);
    if (reasons.empty()) feasible.emplace_back(&name, &view);
    for (const auto& reason : reasons) ++reason_counts[reason];
  }
  if (feasible.empty()) {
    std::vector<std::string> parts;
    for (const auto& [reason, count] : reason_counts) parts.push_back(std::to_string(count) + " " + reason);
    std::sort(parts.begin(), parts.end());
    std::string message = "0/" + std::to_string(nodes_.size()) + " nodes are available: ";
    for (std::size_t i = 0; i < parts.size(); ++i) message += (i ? ", " : "") + parts[i];
    return {"", message + "."};
  }

  std::vector<std::int64_t> affinity, untolerated, spread;
  for (const auto& [name, view] : feasible) {
    affinity.push_back(preferred_affinity_weight(pod, *view->node));
    std::int64_t count = 0;
    for (const auto& taint : taints_of(*view->node))
      if (string_member(taint, "effect") == "PreferNoSchedule" && !tolerates(tolerations_of(pod), taint)) ++count;
    untolerated.push_back(count);
    auto same_owner = owner.empty() ? view->pods_by_owner.end() : view->pods_by_owner.find(owner);
    spread.push_back(same_owner == view->pods_by_owner.end() ? 0 : same_owner->second);
  }
  const auto affinity_scores = normalised(affinity, false), taint_scores = normalised(untolerated, true),
             spread_scores = normalised(spread, true);
  std::size_t best = 0;
  std::int64_t best_score = -1;
  for (std::size_t i = 0; i < feasible.size(); ++i) {
    const std::int64_t score = resources_weight * least_allocated_score(*feasible[i].second, scoring_wanted) +
                               affinity_weight * affinity_scores[i] + taint_weight * taint_scores[i] +
                               spread_weight * spread_scores[i];
    if (score > best_score) best = i, best_score = score;
  }
  return {*feasible[best].first, ""};
}

scheduling_decision schedule(const json& pod, const std::vector<const json*>& nodes, const std::vector<const json*>& pods) {
  return cluster_snapshot(nodes, pods).schedule(pod);
}

}  // namespace orkest::control
