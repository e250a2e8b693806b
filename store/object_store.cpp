#include "store/object_store.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

#include "model/content_hash.hpp"
#include "model/defaults.hpp"
#include "model/field_error.hpp"
#include "model/forgiven_shapes.hpp"
#include "model/kind_strategy.hpp"
#include "model/name_rules.hpp"
#include "model/json_access.hpp"
#include "model/object_filter.hpp"
#include "model/shorthand.hpp"
#include "model/strategic_merge.hpp"
#include "model/timestamp.hpp"
#include "model/validation.hpp"

namespace orkest::store {

using model::api_error;
using model::member_or_null;
using model::string_member;
using model::resource_kind;

namespace {

std::string bucket_key(const std::string& ns, const std::string& name) { return ns + "/" + name; }

// No finalizer in spec.finalizers is left (finalized_deletion kinds: namespaces).
bool finalized(const json& object) {
  const json& finalizers = member_or_null(member_or_null(object, "spec"), "finalizers");
  return !finalizers.is_array() || finalizers.empty();
}

// A kind orkest does not serve. Callers (the HTTP layer, controllers) name only kinds of
// model::all_kinds(), so this is a caller's bug: answered as Kubernetes answers an unknown
// resource, never thrown into the store actor's handler.
store_result unknown_kind(const std::string& kind) {
  api_error error;
  error.code = 404;
  error.reason = "NotFound";
  error.message = "the server could not find the requested resource (kind " + kind + ")";
  return store_result::failure(std::move(error));
}

std::string random_string(std::size_t length, const char* alphabet, std::size_t alphabet_size) {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, alphabet_size - 1);
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out += alphabet[pick(generator)];
  return out;
}

std::string random_uid() {
  auto hex = random_string(32, "0123456789abcdef", 16);
  hex[12] = '4';  // version 4 UUID
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) +
         "-" + hex.substr(20, 12);
}

// A uid that is the same whenever `identity` is: its content hash formatted as a UUID (version
// nibble 8: custom).
// The node ports a Service's spec holds (set only for types NodePort and LoadBalancer).
std::vector<int> node_ports_of(const json& spec) {
  std::vector<int> ports;
  for (const auto& port : model::array_member(spec, "ports")) {
    const json& value = model::member_or_null(port, "nodePort");
    if (!value.is_number_integer()) continue;
    const auto number = value.get<int64_t>();
    if (number > 0 && number <= 65535) ports.push_back(static_cast<int>(number));
  }
  return ports;
}

std::string stable_uid(const std::string& identity) {
  std::string text = model::content_hash(identity);
  text[12] = '8';
  return text.substr(0, 8) + "-" + text.substr(8, 4) + "-" + text.substr(12, 4) + "-" + text.substr(16, 4) + "-" +
         text.substr(20, 12);
}

// The checks every write of a body makes before Kubernetes' own validation: the body is an
// object of the URL's kind, in the URL's namespace.
std::optional<api_error> check_body_identity(const resource_kind& kind, const std::string& ns, const json& body) {
  if (!body.is_object()) return model::bad_request("the request body must be a JSON or YAML object");
  const auto& body_kind = member_or_null(body, "kind");
  if (!body_kind.is_null() && body_kind != kind.kind)
    return model::bad_request("the kind " + body_kind.dump() + " of the body does not match the resource \"" +
                            kind.plural + "\" of the URL (expected \"" + kind.kind + "\")");
  const auto& version = member_or_null(body, "apiVersion");
  if (!version.is_null() && version != kind.api_version())
    return model::bad_request("the apiVersion " + version.dump() + " of the body does not match \"" +
                            kind.api_version() + "\" of the URL");
  const auto& metadata = member_or_null(body, "metadata");
  if (!metadata.is_null() && !metadata.is_object())
    return model::bad_request("metadata: must be an object");
  const auto& body_ns = member_or_null(metadata, "namespace");
  if (kind.namespaced && !body_ns.is_null() && !(body_ns.is_string() && (body_ns == ns || body_ns == "")))
    return model::bad_request("the namespace of the provided object does not match the namespace sent on the "
                            "request");
  return std::nullopt;
}

// A namespaced object gets the URL's namespace; a cluster-scoped one has none, whatever the
// body said (as Kubernetes clears it).
void place_in_namespace(const resource_kind& kind, json& metadata, const std::string& ns) {
  if (kind.namespaced)
    metadata["namespace"] = ns;
  else
    metadata.erase("namespace");
}

// Fields only the store writes; whatever a client sends for them is replaced.
constexpr const char* system_metadata_fields[] = {"uid", "resourceVersion", "creationTimestamp", "generation",
                                                   "deletionTimestamp", "deletionGracePeriodSeconds"};

void prepare_body(const resource_kind& kind, json& body) {
  model::expand_shorthands(kind, body);
  model::apply_defaults(kind, body);
}

// The object's own validity, then what this machine takes (admission_limits).
std::optional<api_error> validation_error(const resource_kind& kind, const json& object,
                                          const admission_limits& limits) {
  auto causes = model::validate(kind, object);
  if (causes.empty()) causes = admission_causes(model::strategy_for(kind), object, limits);
  if (causes.empty()) return std::nullopt;
  return model::invalid(kind.kind, kind.group, string_member(object["metadata"], "name"), std::move(causes));
}

json initial_status(const resource_kind& kind, const json& object) {
  auto status = model::strategy_for(kind).initial_status;
  return status ? status(object) : json(nullptr);
}

api_error field_immutable(const resource_kind& kind, const std::string& name, const std::string& field,
                          const json& value) {
  return model::invalid(kind.kind, kind.group, name,
                      {{"FieldValueInvalid", field, "Invalid value: " + value.dump() + ": field is immutable"}});
}

}  // namespace

const char* to_string(change_type type) {
  switch (type) {
    case change_type::added: return "ADDED";
    case change_type::modified: return "MODIFIED";
    case change_type::deleted: return "DELETED";
    case change_type::bookmark: return "BOOKMARK";
  }
  return "UNKNOWN";
}

object_store_hooks default_hooks() {
  return {[] { return std::chrono::system_clock::now(); }, random_uid,
          [] { return random_string(5, "bcdfghjklmnpqrstvwxz2456789", 27); }};
}

object_store::object_store(object_store_settings settings, object_store_hooks hooks,
                           std::shared_ptr<storage_backend> backend)
    : settings_(std::move(settings)),
      hooks_(std::move(hooks)),
      backend_(backend ? std::move(backend)
                       : std::make_unique<memory_backend>(settings_.history_limit, settings_.history_bytes_limit)),
      service_ips_(settings_.service_cidr),
      node_ports_(settings_.node_port_first, settings_.node_port_last) {
  for (const auto& ip : settings_.reserved_ips) service_ips_.claim(ip);
  // What the backend kept from the last run: the objects as they were, their cluster IPs taken.
  for (auto& stored : backend_->stored_objects()) {
    const auto* kind = model::find_kind(stored.kind);
    const auto& metadata = member_or_null(stored.object, "metadata");
    if (!kind || !metadata.is_object()) continue;
    if (model::strategy_for(*kind).holds_cluster_ip) {
      service_ips_.claim(string_member(member_or_null(stored.object, "spec"), "clusterIP"));
      for (int port : node_ports_of(member_or_null(stored.object, "spec"))) node_ports_.claim(port);
    }
    buckets_[kind->kind][bucket_key(string_member(metadata, "namespace"), string_member(metadata, "name"))] =
        std::move(stored.object);
  }
}

json* object_store::find(const object_key& key) {
  auto bucket = buckets_.find(key.kind);
  if (bucket == buckets_.end()) return nullptr;
  auto it = bucket->second.find(bucket_key(key.ns, key.name));
  return it == bucket->second.end() ? nullptr : &it->second;
}

const json* object_store::find(const object_key& key) const {
  return const_cast<object_store*>(this)->find(key);
}

std::string object_store::next_resource_version() const { return std::to_string(backend_->revision() + 1); }

namespace {
std::size_t encoded_size(const json& object) {
  return object.dump(-1, ' ', false, json::error_handler_t::replace).size();
}
}  // namespace

api_error object_store::too_large(const resource_kind& kind, const json& object, std::size_t bytes) const {
  api_error error = model::request_entity_too_large(settings_.max_object_bytes);
  error.message = kind.kind + " \"" + string_member(member_or_null(object, "metadata"), "name") +
                  "\" is too large: it encodes to " + std::to_string(bytes) +
                  " bytes, and the store keeps at most " + std::to_string(settings_.max_object_bytes) +
                  " bytes for one object";
  return error;
}

namespace {
uint64_t revision_of(const json& object) {
  return std::stoull(object["metadata"]["resourceVersion"].get<std::string>());
}
}  // namespace

// The backend first: a change nobody could replay must not be seen. Its resource_version is
// what next_resource_version() announced.
bool object_store::commit(change_type type, const object_key& key, const json& object, std::size_t bytes,
                          uint64_t expected) {
  change_event event{type, key.kind, object, backend_->revision() + 1};
  if (!backend_->commit(key.kind + "/" + key.ns + "/" + key.name, expected, event, bytes)) return false;
  pending_events_.push_back(std::move(event));
  return true;
}

api_error object_store::not_stored(const resource_kind& kind, const std::string& name) const {
  auto why = backend_->last_error();
  return model::internal_error("the change of " + kind.kind + " \"" + name + "\" could not be stored" +
                             (why.empty() ? std::string{} : ": " + why));
}

std::vector<change_event> object_store::take_events() {
  std::vector<change_event> events;
  events.swap(pending_events_);
  return events;
}

std::variant<std::vector<change_event>, api_error> object_store::history_since(uint64_t version,
                                                                               const std::string& kind) const {
  auto changes = backend_->changes_since(version, kind);
  if (!changes)
    return model::gone("too old resource version: " + std::to_string(version) + " (" +
                     std::to_string(backend_->compacted_revision() + 1) + ")");
  return std::move(*changes);
}

std::size_t object_store::object_count() const {
  std::size_t count = 0;
  for (const auto& [kind, objects] : buckets_) count += objects.size();
  return count;
}

std::vector<json> object_store::objects(const std::string& kind, const std::string& ns) const {
  std::vector<json> out;
  auto bucket = buckets_.find(kind);
  if (bucket == buckets_.end()) return out;
  for (const auto& [key, object] : bucket->second)
    if (ns.empty() || key.compare(0, ns.size() + 1, ns + "/") == 0) out.push_back(object);
  return out;
}

store_result object_store::create(const std::string& kind_name, const std::string& ns, json body) {
  const resource_kind* found_kind = model::find_kind(kind_name);
  if (!found_kind) return unknown_kind(kind_name);
  const auto& kind = *found_kind;
  auto warnings = model::forgive_shapes(kind, "", body);
  auto result = create_canonical(kind, ns, std::move(body));
  if (result.ok()) result.warnings = std::move(warnings);
  return result;
}

store_result object_store::create_canonical(const resource_kind& kind, const std::string& ns, json body) {
  if (auto error = check_body_identity(kind, ns, body)) return store_result::failure(*error);
  json& metadata = body["metadata"];
  if (metadata.is_null()) metadata = json::object();
  for (const char* field : system_metadata_fields) metadata.erase(field);
  place_in_namespace(kind, metadata, ns);
  prepare_body(kind, body);
  body["apiVersion"] = kind.api_version();
  body["kind"] = kind.kind;

  auto name = string_member(metadata, "name");
  auto generate_name = string_member(metadata, "generateName");
  if (name.empty() && !generate_name.empty()) {
    // Kubernetes retries a clashing generated name; a few tries make a clash vanishingly rare.
    for (int attempt = 0; attempt < 8; ++attempt) {
      name = generate_name + hooks_.random_suffix();
      if (!find({kind.kind, ns, name})) break;
    }
    metadata["name"] = name;
  }
  if (auto error = validation_error(kind, body, settings_.limits)) return store_result::failure(*error);
  if (find({kind.kind, ns, name})) return store_result::failure(model::already_exists(kind.plural, kind.group, name));
  // Checked before anything is allocated for it; what the store adds below is a few hundred bytes.
  const std::size_t bytes = encoded_size(body);
  if (bytes > settings_.max_object_bytes) return store_result::failure(too_large(kind, body, bytes));
  const auto& strategy = model::strategy_for(kind);
  if (strategy.bound_to_node && buckets_[kind.kind].size() >= settings_.limits.max_pods)
    return store_result::failure(model::forbidden(
        kind.plural, kind.group, name,
        "node " + settings_.node_name + " already has " + std::to_string(settings_.limits.max_pods) +
            " pods, the most it runs (maxPods in orkest's configuration)"));

  std::vector<int> claimed_ports;
  if (strategy.holds_cluster_ip) {
    json& spec = body["spec"];
    auto requested = string_member(spec, "clusterIP");
    if (requested.empty()) {
      auto allocated = service_ips_.allocate();
      if (!allocated)
        return store_result::failure(model::internal_error("failed to allocate a serviceIP: range is full"));
      spec["clusterIP"] = *allocated;
    } else if (!service_ips_.claim(requested)) {
      return store_result::failure(model::invalid(
          kind.kind, kind.group, name,
          {{"FieldValueInvalid", "spec.clusterIP",
            "Invalid value: \"" + requested + "\": provided IP is already allocated or not in the valid range " +
                service_ips_.cidr()}}));
    }
    spec["clusterIPs"] = json::array({spec["clusterIP"]});
    auto ports = assign_node_ports(kind, name, spec, json());
    if (auto* error = std::get_if<model::api_error>(&ports)) {
      service_ips_.release(string_member(spec, "clusterIP"));
      return store_result::failure(*error);
    }
    claimed_ports = std::get<std::vector<int>>(ports);
  }
  // An object from a manifest applied at startup (app/bootstrap.cpp) carries the manifest's
  // content hash, as kubelet's static pods do, and its uid derives from it: after a restart of
  // orkest an unchanged manifest gives its pod the same uid, so the pod adopts the container
  // it left running instead of creating a second one (a changed manifest gets a new uid).
  const json& annotations = member_or_null(metadata, "annotations");
  auto config_hash = string_member(annotations, "kubernetes.io/config.hash");
  if (!config_hash.empty() && string_member(annotations, "kubernetes.io/config.source") == "file")
    metadata["uid"] = stable_uid(settings_.node_name + "/" + kind.kind + "/" + ns + "/" + name + "/" + config_hash);
  else
    metadata["uid"] = hooks_.new_uid();
  metadata["resourceVersion"] = next_resource_version();
  metadata["creationTimestamp"] = model::rfc3339(hooks_.now());
  metadata["generation"] = 1;
  if (auto status = initial_status(kind, body); !status.is_null()) body["status"] = status;
  else body.erase("status");

  if (!commit(change_type::added, {kind.kind, ns, name}, body, bytes, 0)) {
    if (strategy.holds_cluster_ip) service_ips_.release(string_member(body["spec"], "clusterIP"));
    release_node_ports(claimed_ports);
    return store_result::failure(not_stored(kind, name));
  }
  auto& stored = buckets_[kind.kind][bucket_key(ns, name)];
  stored = std::move(body);
  return store_result::success(stored);
}

store_result object_store::get(const object_key& key) const {
  const resource_kind* found_kind = model::find_kind(key.kind);
  if (!found_kind) return unknown_kind(key.kind);
  const auto& kind = *found_kind;
  if (const json* object = find(key)) return store_result::success(*object);
  return store_result::failure(model::not_found(kind.plural, kind.group, key.name));
}

store_result object_store::list(const list_request& request) const {
  const resource_kind* found_kind = model::find_kind(request.kind);
  if (!found_kind) return unknown_kind(request.kind);
  const auto& kind = *found_kind;
  auto filter = model::object_filter::parse(request.label_selector, request.field_selector);
  if (auto* error = std::get_if<api_error>(&filter)) return store_result::failure(*error);
  const auto& selected = std::get<model::object_filter>(filter);

  json items = json::array();
  for (auto& object : objects(kind.kind, request.ns))
    if (selected.matches(object)) items.push_back(std::move(object));
  return store_result::success({{"apiVersion", kind.api_version()},
                                {"kind", kind.list_kind},
                                {"metadata", {{"resourceVersion", std::to_string(backend_->revision())}}},
                                {"items", std::move(items)}});
}

store_result object_store::update(const object_key& key, json body) {
  const resource_kind* found_kind = model::find_kind(key.kind);
  if (!found_kind) return unknown_kind(key.kind);
  const auto& kind = *found_kind;
  const json* stored = find(key);
  if (!stored) return store_result::failure(model::not_found(kind.plural, kind.group, key.name));
  auto warnings = model::forgive_shapes(kind, key.name, body);
  auto kept = model::keep_unsent_spec_fields(kind, *stored, body);
  warnings.insert(warnings.end(), kept.begin(), kept.end());
  auto result = update_canonical(kind, key, std::move(body));
  if (result.ok()) result.warnings = std::move(warnings);
  return result;
}

store_result object_store::update_canonical(const resource_kind& kind, const object_key& key, json body) {
  json* stored = find(key);
  if (auto error = check_body_identity(kind, key.ns, body)) return store_result::failure(*error);
  json& metadata = body["metadata"];
  if (metadata.is_null()) metadata = json::object();
  auto body_name = string_member(metadata, "name");
  if (body_name != key.name)
    return store_result::failure(model::bad_request("the name of the object (" + body_name +
                                                  ") does not match the name on the URL (" + key.name + ")"));
  auto body_version = string_member(metadata, "resourceVersion");
  if (!body_version.empty() && body_version != stored->at("metadata").at("resourceVersion"))
    return store_result::failure(model::conflict(
        kind.plural, kind.group, key.name,
        "the object has been modified; please apply your changes to the latest version and try again"));

  place_in_namespace(kind, metadata, key.ns);
  prepare_body(kind, body);
  body["apiVersion"] = kind.api_version();
  body["kind"] = kind.kind;
  for (const char* field : system_metadata_fields) {
    auto old = stored->at("metadata").find(field);
    if (old != stored->at("metadata").end()) metadata[field] = *old;
    else metadata.erase(field);
  }
  metadata.erase("generateName");
  if (auto generate_name = stored->at("metadata").find("generateName"); generate_name != stored->at("metadata").end())
    metadata["generateName"] = *generate_name;
  if (stored->contains("status")) body["status"] = stored->at("status");
  else body.erase("status");

  // Copies, so that kinds without a spec (Endpoints) do not grow a null one.
  const json old_spec = member_or_null(*stored, "spec");
  json new_spec = member_or_null(body, "spec");
  const auto& strategy = model::strategy_for(kind);
  if (strategy.holds_cluster_ip) {
    if (!new_spec.is_object()) new_spec = json::object();
    const auto& requested = member_or_null(new_spec, "clusterIP");
    if (!requested.is_null() && requested != "" && requested != member_or_null(old_spec, "clusterIP"))
      return store_result::failure(field_immutable(kind, key.name, "spec.clusterIP", requested));
    new_spec["clusterIP"] = member_or_null(old_spec, "clusterIP");
    new_spec["clusterIPs"] = member_or_null(old_spec, "clusterIPs");
    // Back to ClusterIP: the node ports it had go, as the apiserver drops type-dependent fields.
    const auto old_ports = node_ports_of(old_spec);
    if (string_member(new_spec, "type") == "ClusterIP" && new_spec.contains("ports") && new_spec["ports"].is_array())
      for (auto& port : new_spec["ports"])
        if (port.is_object() && port.contains("nodePort") && port["nodePort"].is_number_integer() &&
            std::find(old_ports.begin(), old_ports.end(), port["nodePort"].get<int64_t>()) != old_ports.end())
          port.erase("nodePort");
    // ... and so does the traffic policy it had, unless this update changes it.
    if (string_member(new_spec, "type") == "ClusterIP" &&
        member_or_null(new_spec, "externalTrafficPolicy") == member_or_null(old_spec, "externalTrafficPolicy"))
      new_spec.erase("externalTrafficPolicy");
  }
  if (strategy.bound_to_node && new_spec.is_object() && string_member(new_spec, "nodeName").empty()) {
    if (auto bound = string_member(old_spec, "nodeName"); !bound.empty()) new_spec["nodeName"] = bound;
    else new_spec.erase("nodeName");
  }
  if (!new_spec.is_null()) body["spec"] = new_spec;
  if (auto error = validation_error(kind, body, settings_.limits)) return store_result::failure(*error);
  if (strategy.validate_update)
    if (auto causes = strategy.validate_update(*stored, body); !causes.empty())
      return store_result::failure(model::invalid(kind.kind, kind.group, key.name, std::move(causes)));
  if (new_spec != old_spec) metadata["generation"] = metadata.value("generation", int64_t{0}) + 1;
  if (!strategy.holds_cluster_ip) return commit_update(kind, *stored, std::move(body));
  auto claimed = assign_node_ports(kind, key.name, body["spec"], old_spec);
  if (auto* error = std::get_if<model::api_error>(&claimed)) return store_result::failure(*error);
  const auto kept = node_ports_of(body["spec"]);
  auto result = commit_update(kind, *stored, std::move(body));
  if (!result.ok()) {
    release_node_ports(std::get<std::vector<int>>(claimed));
    return result;
  }
  for (int port : node_ports_of(old_spec))
    if (std::find(kept.begin(), kept.end(), port) == kept.end()) node_ports_.release(port);
  return result;
}

std::variant<std::vector<int>, model::api_error> object_store::assign_node_ports(const resource_kind& kind,
                                                                               const std::string& name, json& spec,
                                                                               const json& previous) {
  std::vector<int> claimed;
  const auto type = string_member(spec, "type");
  json* ports = spec.is_object() && spec.contains("ports") ? &spec["ports"] : nullptr;
  if ((type != "NodePort" && type != "LoadBalancer") || !ports || !ports->is_array()) return claimed;
  const auto old_ports = node_ports_of(previous);
  auto refuse = [&](std::size_t i, const std::string& message) {
    release_node_ports(claimed);
    return model::invalid(kind.kind, kind.group, name,
                        {{"FieldValueInvalid", "spec.ports[" + std::to_string(i) + "].nodePort", message}});
  };
  for (std::size_t i = 0; i < ports->size(); ++i) {
    json& port = (*ports)[i];
    int wanted = port.value("nodePort", json(0)).is_number_integer() ? port.value("nodePort", 0) : 0;
    if (wanted == 0) {
      // The same port of this Service keeps the node port it had, as the apiserver keeps it.
      for (const auto& before : model::array_member(previous, "ports"))
        if (before.value("port", json()) == port.value("port", json()) &&
            before.value("protocol", json("TCP")) == port.value("protocol", json("TCP")))
          wanted = before.value("nodePort", json(0)).is_number_integer() ? before.value("nodePort", 0) : 0;
    }
    if (wanted != 0 && std::find(old_ports.begin(), old_ports.end(), wanted) != old_ports.end()) {
      port["nodePort"] = wanted;  // this Service's already
      continue;
    }
    if (wanted == 0) {
      auto allocated = node_ports_.allocate();
      if (!allocated) {
        release_node_ports(claimed);
        return model::internal_error("failed to allocate a nodePort: the range " + node_ports_.range() + " is full");
      }
      claimed.push_back(*allocated);
      port["nodePort"] = *allocated;
      continue;
    }
    const std::string value = "Invalid value: " + std::to_string(wanted) + ": provided port ";
    if (!node_ports_.in_range(wanted))
      return refuse(i, value + "is not in the valid range. The range of valid ports is " + node_ports_.range());
    if (!node_ports_.claim(wanted)) return refuse(i, value + "is already allocated");
    claimed.push_back(wanted);
  }
  return claimed;
}

void object_store::release_node_ports(const std::vector<int>& ports) {
  for (int port : ports) node_ports_.release(port);
}

store_result object_store::update_status(const object_key& key, json body) {
  const resource_kind* found_kind = model::find_kind(key.kind);
  if (!found_kind) return unknown_kind(key.kind);
  const auto& kind = *found_kind;
  json* stored = find(key);
  if (!stored) return store_result::failure(model::not_found(kind.plural, kind.group, key.name));
  if (auto error = check_body_identity(kind, key.ns, body)) return store_result::failure(*error);
  auto body_version = string_member(member_or_null(body, "metadata"), "resourceVersion");
  if (!body_version.empty() && body_version != (*stored)["metadata"]["resourceVersion"])
    return store_result::failure(model::conflict(
        kind.plural, kind.group, key.name,
        "the object has been modified; please apply your changes to the latest version and try again"));
  auto body_uid = string_member(member_or_null(body, "metadata"), "uid");
  if (!body_uid.empty() && body_uid != (*stored)["metadata"]["uid"])
    return store_result::failure(model::conflict(kind.plural, kind.group, key.name,
                                               "Precondition failed: UID in precondition: " + body_uid +
                                                   ", UID in object meta: " +
                                                   (*stored)["metadata"]["uid"].get<std::string>()));
  json updated = *stored;
  const auto& status = member_or_null(body, "status");
  if (status.is_null()) updated.erase("status");
  else if (!status.is_object()) return store_result::failure(model::bad_request("status: must be an object"));
  else updated["status"] = status;
  return commit_update(kind, *stored, std::move(updated));
}

store_result object_store::patch(const object_key& key, const patch_request& request) {
  const resource_kind* found_kind = model::find_kind(key.kind);
  if (!found_kind) return unknown_kind(key.kind);
  const auto& kind = *found_kind;
  const json* stored = find(key);
  if (!stored) return store_result::failure(model::not_found(kind.plural, kind.group, key.name));
  json patched = *stored;
  try {
    switch (request.type) {
      case patch_type::merge:
        if (!request.patch.is_object())
          return store_result::failure(model::bad_request("a merge patch must be a JSON object"));
        patched.merge_patch(request.patch);
        break;
      case patch_type::strategic_merge:
        if (!request.patch.is_object())
          return store_result::failure(model::bad_request("a strategic merge patch must be a JSON object"));
        patched = model::strategic_merge(patched, request.patch);
        break;
      case patch_type::json_patch:
        if (!request.patch.is_array())
          return store_result::failure(model::bad_request("a JSON patch must be an array of operations"));
        patched = patched.patch(request.patch);
        break;
    }
  } catch (const json::exception& error) {
    return store_result::failure(model::invalid(kind.kind, kind.group, key.name,
                                              {{"FieldValueInvalid", "", std::string("the patch failed: ") + error.what()}}));
  }
  // Each path writes only its own part: status through .../status, the rest otherwise.
  if (request.status_only) return update_status(key, std::move(patched));
  return update(key, std::move(patched));
}

store_result object_store::commit_update(const resource_kind& kind, json& stored, json updated) {
  updated["metadata"]["resourceVersion"] = stored["metadata"]["resourceVersion"];
  if (updated == stored) return store_result::success(stored);  // a no-op write changes nothing
  const std::size_t bytes = encoded_size(updated);
  // Over the limit only by growing: an object may always shrink or go (a deletion timestamp adds
  // a few bytes to one at the limit).
  if (bytes > settings_.max_object_bytes && bytes > encoded_size(stored) + 256)
    return store_result::failure(too_large(kind, updated, bytes));
  const uint64_t expected = revision_of(stored);
  updated["metadata"]["resourceVersion"] = next_resource_version();
  const object_key key{kind.kind, string_member(stored["metadata"], "namespace"), string_member(stored["metadata"], "name")};
  if (!commit(change_type::modified, key, updated, bytes, expected))
    return store_result::failure(not_stored(kind, key.name));
  stored = std::move(updated);
  // A terminating object whose last finalizer was just taken away goes now.
  if (model::strategy_for(kind).finalized_deletion && stored["metadata"].contains("deletionTimestamp") &&
      finalized(stored)) {
    json last = stored;
    auto removed = remove(key, {});
    if (!removed.ok()) return removed;
    return store_result::success(std::move(last));
  }
  return store_result::success(stored);
}

store_result object_store::bind(const object_key& key, const json& binding) {
  const resource_kind* found_kind = model::find_kind(key.kind);
  if (!found_kind) return unknown_kind(key.kind);
  const auto& kind = *found_kind;
  json* stored = find(key);
  if (!stored) return store_result::failure(model::not_found(kind.plural, kind.group, key.name));
  const json& target = member_or_null(binding, "target");
  const auto node = string_member(target, "name");
  std::vector<model::status_cause> causes;
  if (!binding.is_object()) causes.push_back(model::field_error::type_invalid("", binding, "object"));
  else if (node.empty()) causes.push_back(model::field_error::required("target.name"));
  else model::field_error::add_invalid(causes, "target.name", node, model::name_rules::dns1123_subdomain(node));
  if (auto target_kind = string_member(target, "kind"); !target_kind.empty() && target_kind != "Node")
    causes.push_back(model::field_error::not_supported("target.kind", target_kind, {"Node"}));
  if (!causes.empty()) return store_result::failure(model::invalid("Binding", "", key.name, std::move(causes)));
  const json& metadata = (*stored)["metadata"];
  auto uid = string_member(member_or_null(binding, "metadata"), "uid");
  if (!uid.empty() && uid != metadata["uid"])
    return store_result::failure(model::conflict(kind.plural, kind.group, key.name,
                                               "Precondition failed: UID in precondition: " + uid +
                                                   ", UID in object meta: " + metadata["uid"].get<std::string>()));
  if (metadata.contains("deletionTimestamp"))
    return store_result::failure(model::conflict(kind.plural, kind.group, key.name,
                                               "pod " + key.name + " is being deleted, cannot be assigned to a host"));
  auto bound_to = string_member(member_or_null(*stored, "spec"), "nodeName");
  if (!bound_to.empty())
    return store_result::failure(model::conflict(kind.plural, kind.group, key.name,
                                               "pod " + key.name + " is already assigned to node \"" + bound_to + "\""));
  // As Kubernetes' binding: the node, and the PodScheduled condition.
  json bound = *stored;
  bound["spec"]["nodeName"] = node;
  json& conditions = bound["status"]["conditions"];
  json scheduled = {{"type", "PodScheduled"}, {"status", "True"}, {"lastProbeTime", nullptr},
                    {"lastTransitionTime", model::rfc3339(hooks_.now())}};
  if (!conditions.is_array()) conditions = json::array();
  auto existing = std::find_if(conditions.begin(), conditions.end(),
                               [](const json& c) { return string_member(c, "type") == "PodScheduled"; });
  if (existing != conditions.end()) *existing = scheduled;
  else conditions.push_back(scheduled);
  auto result = commit_update(kind, *stored, std::move(bound));
  if (!result.ok()) return result;
  json status = model::success_status();
  status["code"] = 201;
  return store_result::success(status);
}

store_result object_store::remove(const object_key& key, const delete_options& options) {
  const resource_kind* found_kind = model::find_kind(key.kind);
  if (!found_kind) return unknown_kind(key.kind);
  const auto& kind = *found_kind;
  json* stored = find(key);
  if (!stored) return store_result::failure(model::not_found(kind.plural, kind.group, key.name));
  const json& metadata = (*stored)["metadata"];
  if (options.precondition_uid && *options.precondition_uid != metadata["uid"])
    return store_result::failure(model::conflict(kind.plural, kind.group, key.name,
                                               "Precondition failed: UID in precondition: " +
                                                   *options.precondition_uid + ", UID in object meta: " +
                                                   metadata["uid"].get<std::string>()));
  if (options.precondition_resource_version && *options.precondition_resource_version != metadata["resourceVersion"])
    return store_result::failure(model::conflict(kind.plural, kind.group, key.name,
                                               "Precondition failed: ResourceVersion in precondition: " +
                                                   *options.precondition_resource_version +
                                                   ", ResourceVersion in object meta: " +
                                                   metadata["resourceVersion"].get<std::string>()));

  const auto& strategy = model::strategy_for(kind);
  if (strategy.deletion_forbidden)
    if (const char* why = strategy.deletion_forbidden(*stored))
      return store_result::failure(model::forbidden(kind.plural, kind.group, key.name, why));
  if (strategy.finalized_deletion && !finalized(*stored)) {
    if (metadata.contains("deletionTimestamp")) return store_result::success(*stored);  // already on its way out
    json marked = *stored;
    marked["metadata"]["deletionTimestamp"] = model::rfc3339(hooks_.now());
    marked["metadata"]["deletionGracePeriodSeconds"] = 0;
    marked["status"]["phase"] = "Terminating";
    return commit_update(kind, *stored, std::move(marked));
  }
  if (strategy.graceful_deletion) {
    int64_t grace = 30;
    const auto& spec_grace = member_or_null(member_or_null(*stored, "spec"), "terminationGracePeriodSeconds");
    if (spec_grace.is_number_integer()) grace = spec_grace.get<int64_t>();
    if (options.grace_period_seconds) grace = *options.grace_period_seconds;
    // As Kubernetes: a pod no node runs (never scheduled) goes at once, nobody would finish it.
    if (string_member(member_or_null(*stored, "spec"), "nodeName").empty()) grace = 0;
    bool terminating = metadata.contains("deletionTimestamp");
    if (grace > 0 && !terminating) {
      json marked = *stored;
      marked["metadata"]["deletionTimestamp"] = model::rfc3339(hooks_.now() + std::chrono::seconds(grace));
      marked["metadata"]["deletionGracePeriodSeconds"] = grace;
      return commit_update(kind, *stored, std::move(marked));
    }
    if (grace > 0) return store_result::success(*stored);  // already on its way out
  }

  json removed = *stored;
  const uint64_t expected = revision_of(removed);
  removed["metadata"]["resourceVersion"] = next_resource_version();
  if (!commit(change_type::deleted, key, removed, encoded_size(removed), expected))
    return store_result::failure(not_stored(kind, key.name));
  buckets_[kind.kind].erase(bucket_key(key.ns, key.name));
  if (strategy.holds_cluster_ip) {
    service_ips_.release(string_member(removed["spec"], "clusterIP"));
    release_node_ports(node_ports_of(removed["spec"]));
  }
  if (strategy.graceful_deletion) return store_result::success(removed);  // as Kubernetes answers for pods
  json details = {{"name", key.name}, {"kind", kind.plural}, {"uid", removed["metadata"]["uid"]}};
  if (!kind.group.empty()) details["group"] = kind.group;
  json status = model::success_status();
  status["details"] = details;
  return store_result::success(status);
}

}  // namespace orkest::store
