#include "control/config_references.hpp"

#include "model/json_access.hpp"

namespace orkest::control {

using nlohmann::json;

namespace {

void add_name(std::set<std::string>& names, const json& reference, const char* field = "name") {
  if (auto name = model::string_member(reference, field); !name.empty()) names.insert(name);
}

}  // namespace

config_references volume_config_references_of(const json& pod) {
  config_references references;
  for (const auto& volume : model::array_member(model::member_or_null(pod, "spec"), "volumes")) {
    add_name(references.config_maps, model::member_or_null(volume, "configMap"));
    add_name(references.secrets, model::member_or_null(volume, "secret"), "secretName");
    add_name(references.claims, model::member_or_null(volume, "persistentVolumeClaim"), "claimName");
  }
  return references;
}

std::string versions_of(const config_objects& objects, const config_references& which) {
  std::string text;
  auto add = [&](const char* kind, const std::set<std::string>& names, const std::map<std::string, json>& found) {
    for (const auto& name : names) {
      auto object = found.find(name);
      text += std::string(kind) + "/" + name + "@" +
              (object == found.end() ? "-" : model::string_member(model::member_or_null(object->second, "metadata"),
                                                                  "resourceVersion")) +
              " ";
    }
  };
  add("ConfigMap", which.config_maps, objects.config_maps);
  add("Secret", which.secrets, objects.secrets);
  add("PersistentVolumeClaim", which.claims, objects.claims);
  return text;
}

std::set<std::string> bound_volumes_of(const config_objects& objects) {
  std::set<std::string> names;
  for (const auto& [name, claim] : objects.claims)
    if (auto volume = model::string_member(model::member_or_null(claim, "spec"), "volumeName"); !volume.empty())
      names.insert(volume);
  return names;
}

config_references config_references_of(const json& pod) {
  config_references references = volume_config_references_of(pod);
  for (const auto& container : model::array_member(model::member_or_null(pod, "spec"), "containers")) {
    for (const auto& source : model::array_member(container, "envFrom")) {
      add_name(references.config_maps, model::member_or_null(source, "configMapRef"));
      add_name(references.secrets, model::member_or_null(source, "secretRef"));
    }
    for (const auto& variable : model::array_member(container, "env")) {
      const json& from = model::member_or_null(variable, "valueFrom");
      add_name(references.config_maps, model::member_or_null(from, "configMapKeyRef"));
      add_name(references.secrets, model::member_or_null(from, "secretKeyRef"));
    }
  }
  return references;
}

}  // namespace orkest::control
