#include "control/container_env.hpp"

#include "model/base64.hpp"
#include "model/container_resources.hpp"
#include "model/json_access.hpp"
#include "control/pod_facts.hpp"

namespace orkest::control {

using nlohmann::json;

namespace {

const json& first_container(const json& pod) {
  static const json none;
  const json& containers = model::member_or_null(model::member_or_null(pod, "spec"), "containers");
  return containers.is_array() && !containers.empty() ? containers[0] : none;
}

// The environment being built: values by name, and the order names first appeared in.
class environment {
 public:
  void set(const std::string& name, std::string value) {
    if (!values_.count(name)) order_.push_back(name);
    values_[name] = std::move(value);
  }
  const std::map<std::string, std::string>& values() const { return values_; }
  std::vector<std::pair<std::string, std::string>> in_order() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& name : order_) out.emplace_back(name, values_.at(name));
    return out;
  }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> order_;
};

// metadata.labels['app'] -> "app"; nullopt when `path` is not of that form.
std::optional<std::string> subscript(const std::string& path, const std::string& prefix) {
  if (path.rfind(prefix + "['", 0) != 0 || path.size() < prefix.size() + 4 || path.compare(path.size() - 2, 2, "']") != 0)
    return std::nullopt;
  return path.substr(prefix.size() + 2, path.size() - prefix.size() - 4);
}

// fieldRef: the pod's own fields. nullopt for status.podIP(s): known once the address is.
std::optional<std::string> field_value(const json& pod, const std::string& path, const node_facts& node) {
  const json& metadata = model::member_or_null(pod, "metadata");
  if (path == "metadata.name") return name_of(pod);
  if (path == "metadata.namespace") return namespace_of(pod);
  if (path == "metadata.uid") return uid_of(pod);
  if (auto key = subscript(path, "metadata.labels")) return model::string_member(model::member_or_null(metadata, "labels"), key->c_str());
  if (auto key = subscript(path, "metadata.annotations"))
    return model::string_member(model::member_or_null(metadata, "annotations"), key->c_str());
  if (path == "spec.nodeName") return model::string_member(model::member_or_null(pod, "spec"), "nodeName");
  if (path == "spec.serviceAccountName") return model::string_member(model::member_or_null(pod, "spec"), "serviceAccountName");
  if (path == "status.hostIP" || path == "status.hostIPs") return node.host_ip;
  return std::nullopt;
}

// resourceFieldRef: a limit or request in units of the divisor, rounded up; a limit not set
// reads as the node's allocatable, as the kubelet reads it.
std::string resource_value(const json& container, const json& reference, const node_facts& node) {
  const auto resources = model::resources_of(container);
  const std::string resource = model::string_member(reference, "resource");
  const auto divisor = model::quantity_of(model::member_or_null(reference, "divisor"));
  const bool cpu = resource.find("cpu") != std::string::npos;
  long long amount = 0;  // millicores or bytes
  if (resource == "limits.cpu") amount = resources.cpu_limit ? resources.cpu_limit->milli_value() : node.cpu_millis;
  if (resource == "requests.cpu") amount = resources.cpu_request ? resources.cpu_request->milli_value() : 0;
  if (resource == "limits.memory") amount = resources.memory_limit ? resources.memory_limit->value() : node.memory_bytes;
  if (resource == "requests.memory") amount = resources.memory_request ? resources.memory_request->value() : 0;
  long long unit = cpu ? 1000 : 1;  // the divisor, in the amount's units; default 1
  if (divisor && !divisor->negative() && (cpu ? divisor->milli_value() : divisor->value()) > 0)
    unit = cpu ? divisor->milli_value() : divisor->value();
  return std::to_string((amount + unit - 1) / unit);
}

// One text entry of a ConfigMap (data, or binaryData decoded) or a Secret (data decoded).
std::optional<std::string> entry_of(const json& object, const std::string& key, bool secret) {
  const json& data = model::member_or_null(object, "data");
  if (const json* value = model::member(data, key.c_str()); value && value->is_string())
    return secret ? model::base64_decode(value->get<std::string>()) : value->get<std::string>();
  if (!secret)
    if (const json* value = model::member(model::member_or_null(object, "binaryData"), key.c_str()); value && value->is_string())
      return model::base64_decode(value->get<std::string>());
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> entries_of(const json& object, bool secret) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (const char* field : {"data", "binaryData"}) {
    if (secret && std::string(field) == "binaryData") continue;
    const json& data = model::member_or_null(object, field);
    if (!data.is_object()) continue;
    for (const auto& [key, value] : data.items())
      if (auto text = entry_of(object, key, secret)) entries.emplace_back(key, *text);
  }
  return entries;
}

}  // namespace

container_environment environment_for(const json& pod, const config_objects& objects, const node_facts& node) {
  container_environment result;
  const json& container = first_container(pod);
  const std::string ns = namespace_of(pod);
  environment env;

  for (const auto& source : model::array_member(container, "envFrom")) {
    const std::string prefix = model::string_member(source, "prefix");
    for (const bool secret : {false, true}) {
      const json& reference = model::member_or_null(source, secret ? "secretRef" : "configMapRef");
      if (!reference.is_object()) continue;
      const std::string name = model::string_member(reference, "name");
      const auto& found = secret ? objects.secrets : objects.config_maps;
      auto object = found.find(name);
      if (object == found.end()) {
        if (model::member_or_null(reference, "optional") == true) continue;
        result.error = std::string(secret ? "secret" : "configmap") + " \"" + name + "\" not found";
        return result;
      }
      for (auto& [key, value] : entries_of(object->second, secret)) env.set(prefix + key, std::move(value));
    }
  }

  for (const auto& variable : model::array_member(container, "env")) {
    const std::string name = model::string_member(variable, "name");
    const json& from = model::member_or_null(variable, "valueFrom");
    if (!from.is_object()) {
      env.set(name, expand_variables(model::string_member(variable, "value"), env.values()));
      continue;
    }
    if (const json& field = model::member_or_null(from, "fieldRef"); field.is_object()) {
      const std::string path = model::string_member(field, "fieldPath");
      if (auto value = field_value(pod, path, node)) env.set(name, *value);
      else result.pod_ip_names.push_back(name);  // status.podIP(s)
      continue;
    }
    if (const json& resource = model::member_or_null(from, "resourceFieldRef"); resource.is_object()) {
      env.set(name, resource_value(container, resource, node));
      continue;
    }
    for (const bool secret : {false, true}) {
      const json& selector = model::member_or_null(from, secret ? "secretKeyRef" : "configMapKeyRef");
      if (!selector.is_object()) continue;
      const std::string object_name = model::string_member(selector, "name");
      const std::string key = model::string_member(selector, "key");
      const bool optional = model::member_or_null(selector, "optional") == true;
      const auto& found = secret ? objects.secrets : objects.config_maps;
      auto object = found.find(object_name);
      if (object == found.end()) {
        if (optional) break;
        result.error = std::string(secret ? "secret" : "configmap") + " \"" + object_name + "\" not found";
        return result;
      }
      auto value = entry_of(object->second, key, secret);
      if (!value) {
        if (optional) break;
        result.error = "couldn't find key " + key + " in " + (secret ? "Secret " : "ConfigMap ") + ns + "/" + object_name;
        return result;
      }
      env.set(name, *value);
    }
  }

  result.env = env.in_order();
  for (const auto& word : model::array_member(container, "command"))
    if (word.is_string()) result.command.push_back(expand_variables(word.get<std::string>(), env.values()));
  for (const auto& word : model::array_member(container, "args"))
    if (word.is_string()) result.args.push_back(expand_variables(word.get<std::string>(), env.values()));
  return result;
}

std::string expand_variables(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {  // $$: an escaped $
      out += '$';
      ++i;
      continue;
    }
    if (text[i + 1] == '(') {
      const auto close = text.find(')', i + 2);
      if (close != std::string_view::npos) {
        const std::string name(text.substr(i + 2, close - i - 2));
        auto value = values.find(name);
        out += value != values.end() ? value->second : std::string(text.substr(i, close - i + 1));
        i = close;
        continue;
      }
    }
    out += '$';
  }
  return out;
}

}  // namespace orkest::control
