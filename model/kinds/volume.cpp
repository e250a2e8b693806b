#include "model/kinds/volume.hpp"

#include "model/container_resources.hpp"
#include "model/field_schema.hpp"
#include "model/json_access.hpp"
#include "model/name_rules.hpp"

namespace orkest::model::kinds {

using nlohmann::json;
namespace fe = field_error;
using field_schema::any;
using field_schema::list_of;

namespace {

const std::vector<std::string> supported_types = {"emptyDir", "hostPath", "configMap", "secret", "persistentVolumeClaim"};
// Kubernetes' other volume sources: recognised, so the refusal names them.
const std::vector<std::string> other_types = {
    "projected",   "downwardAPI",   "ephemeral",  "csi",        "nfs",
    "iscsi",                 "glusterfs",   "rbd",           "cephfs",     "cinder",     "fc",
    "flocker",               "flexVolume",  "azureFile",     "azureDisk",  "vsphereVolume", "quobyte",
    "photonPersistentDisk",  "portworxVolume", "scaleIO",    "storageos",  "gcePersistentDisk",
    "awsElasticBlockStore",  "gitRepo",     "image"};

const std::vector<std::string> host_path_types = {"",     "DirectoryOrCreate", "Directory",  "FileOrCreate",
                                                  "File", "Socket",            "CharDevice", "BlockDevice"};

// podman's --mount takes comma-separated options: a path with a comma would be read as more.
void refuse_comma(field_causes& found, const std::string& path, const std::string& value) {
  if (value.find(',') != std::string::npos)
    found.push_back(fe::invalid(path, value, "must not contain ',' (podman's mount option separator)"));
}

bool has_backstep(const std::string& path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (path.compare(start, slash - start, "..") == 0 && slash - start == 2) return true;
    start = slash + 1;
  }
  return false;
}

// Kubernetes' validateLocalDescendingPath.
void validate_relative_path(field_causes& found, const std::string& path, const std::string& value) {
  if (!value.empty() && value.front() == '/') found.push_back(fe::invalid(path, value, "must be a relative path"));
  if (has_backstep(value)) found.push_back(fe::invalid(path, value, "must not contain '..'"));
}

void validate_mode(field_causes& found, reader& fields, const char* name) {
  if (auto mode = fields.integer(name); mode && (*mode < 0 || *mode > 0777))
    found.push_back(fe::invalid(fields.path(name), *mode, "must be a number between 0 and 0777 (octal), both inclusive"));
}

// configMap and secret: the object's name, items (key -> relative path, mode), defaultMode.
void validate_projection(field_causes& found, reader& source, const char* name_field) {
  if (auto name = source.required_string(name_field))
    fe::add_invalid(found, source.path(name_field), *name, name_rules::dns1123_subdomain(*name));
  validate_mode(found, source, "defaultMode");
  source.boolean("optional");
  std::set<std::string> paths;
  for_each_object(found, source.array("items"), source.path("items"), [&](reader& item, std::size_t) {
    if (auto key = item.required_string("key"))
      fe::add_invalid(found, item.path("key"), *key, name_rules::config_key(*key));
    if (auto path = item.required_string("path")) {
      validate_relative_path(found, item.path("path"), *path);
      if (path->rfind("..", 0) == 0) found.push_back(fe::invalid(item.path("path"), *path, "must not start with '..'"));
      if (!paths.insert(*path).second) found.push_back(fe::duplicate(item.path("path"), *path));
    }
    validate_mode(found, item, "mode");
  });
}

void validate_empty_dir(field_causes& found, reader& source, const json& empty_dir) {
  source.optional_one_of("medium", {"", "Memory"});
  const json* size = member(empty_dir, "sizeLimit");
  if (!size || size->is_null()) return;
  const auto amount = quantity_of(*size);
  if (!amount) {
    found.push_back(fe::invalid(source.path("sizeLimit"), *size, quantity_syntax_message));
  } else if (amount->negative()) {
    found.push_back(fe::invalid(source.path("sizeLimit"), *size, "must be greater than or equal to 0"));
  } else if (source.string("medium").value_or("") != "Memory") {
    // The kubelet enforces a disk sizeLimit by evicting the pod; orkest does not measure disks.
    found.push_back(fe::forbidden(source.path("sizeLimit"),
                                  "not supported by orkest on disk: a sizeLimit is enforced only with medium: Memory (a "
                                  "tmpfs of that size)"));
  }
}

}  // namespace

void validate_host_path_source(field_causes& found, reader& source) {
  if (auto path = source.required_string("path")) {
    if (path->front() != '/') found.push_back(fe::invalid(source.path("path"), *path, "must be an absolute path"));
    if (has_backstep(*path)) found.push_back(fe::invalid(source.path("path"), *path, "must not contain '..'"));
    refuse_comma(found, source.path("path"), *path);
  }
  if (auto type = source.string("type"); type && std::find(host_path_types.begin(), host_path_types.end(), *type) == host_path_types.end())
    found.push_back(fe::not_supported(source.path("type"), *type, host_path_types));
}

std::set<std::string> validate_volumes(field_causes& found, reader& pod_spec) {
  std::set<std::string> names;
  for_each_object(found, pod_spec.array("volumes"), pod_spec.path("volumes"), [&](reader& volume, std::size_t i) {
    const json& object = (*pod_spec.array("volumes"))[i];
    const std::string path = fe::index(pod_spec.path("volumes"), i);
    bool name_valid = false;
    if (auto name = volume.required_string("name")) {
      auto errors = name_rules::dns1123_label(*name);
      fe::add_invalid(found, volume.path("name"), *name, errors);
      if (errors.empty() && !names.insert(*name).second) found.push_back(fe::duplicate(volume.path("name"), *name));
      name_valid = errors.empty();
    }
    std::vector<std::string> given;
    for (const auto& [field, value] : object.items())
      if (field != "name" && !value.is_null()) given.push_back(field);
    if (given.empty()) return found.push_back(fe::required(path, "must specify a volume type"));
    if (given.size() > 1) return found.push_back(fe::forbidden(fe::child(path, given[1]), "may not specify more than 1 volume type"));
    const std::string& type = given.front();
    if (std::find(supported_types.begin(), supported_types.end(), type) == supported_types.end()) {
      const bool known = std::find(other_types.begin(), other_types.end(), type) != other_types.end();
      if (known) found.push_back(fe::forbidden(volume.path(type.c_str()), "not supported by orkest: volumes of type " + type));
      if (name_valid) names.erase(model::string_member(object, "name"));
      return;  // an unknown field: reported by the schema check
    }
    const json* source_object = volume.object(type.c_str());
    if (!source_object) return;
    reader source(found, *source_object, volume.path(type.c_str()));
    if (type == "emptyDir") validate_empty_dir(found, source, *source_object);
    if (type == "hostPath") validate_host_path_source(found, source);
    if (type == "configMap") validate_projection(found, source, "name");
    if (type == "secret") validate_projection(found, source, "secretName");
    if (type == "persistentVolumeClaim") {
      if (auto claim = source.required_string("claimName"))
        fe::add_invalid(found, source.path("claimName"), *claim, name_rules::dns1123_subdomain(*claim));
      source.boolean("readOnly");
    }
  });
  return names;
}

void validate_volume_mounts(field_causes& found, reader& container, const std::set<std::string>& volume_names) {
  std::set<std::string> mount_paths;
  for_each_object(found, container.array("volumeMounts"), container.path("volumeMounts"), [&](reader& mount, std::size_t) {
    if (auto name = mount.required_string("name"); name && !volume_names.count(*name))
      found.push_back(fe::not_found(mount.path("name"), *name));
    if (auto path = mount.required_string("mountPath")) {
      if (path->front() != '/') found.push_back(fe::invalid(mount.path("mountPath"), *path, "must be an absolute path"));
      if (!mount_paths.insert(*path).second) found.push_back(fe::invalid(mount.path("mountPath"), *path, "must be unique"));
      refuse_comma(found, mount.path("mountPath"), *path);
    }
    if (auto sub_path = mount.string("subPath"); sub_path && !sub_path->empty()) {
      validate_relative_path(found, mount.path("subPath"), *sub_path);
      refuse_comma(found, mount.path("subPath"), *sub_path);
    }
    mount.boolean("readOnly");
    if (auto propagation = mount.string("mountPropagation"); propagation && *propagation != "None")
      found.push_back(fe::not_supported(mount.path("mountPropagation"), *propagation, {"None"}));
    if (auto expression = mount.string("subPathExpr"); expression && !expression->empty())
      found.push_back(fe::forbidden(mount.path("subPathExpr"), "not supported by orkest: use subPath"));
    if (auto recursive = mount.string("recursiveReadOnly"); recursive && *recursive != "Disabled")
      found.push_back(fe::not_supported(mount.path("recursiveReadOnly"), *recursive, {"Disabled"}));
  });
}

const json& volume_schema() {
  static const json schema = [] {
    const json projection_items = list_of({{"key", any()}, {"path", any()}, {"mode", any()}});
    json fields = {{"name", any()},
                   {"emptyDir", {{"medium", any()}, {"sizeLimit", any()}}},
                   {"hostPath", {{"path", any()}, {"type", any()}}},
                   {"configMap", {{"name", any()}, {"items", projection_items}, {"defaultMode", any()}, {"optional", any()}}},
                   {"secret",
                    {{"secretName", any()}, {"items", projection_items}, {"defaultMode", any()}, {"optional", any()}}},
                   {"persistentVolumeClaim", {{"claimName", any()}, {"readOnly", any()}}}};
    for (const auto& type : other_types) fields[type] = any();
    return fields;
  }();
  return schema;
}

const json& volume_mount_schema() {
  static const json schema = {{"name", any()},      {"mountPath", any()},        {"subPath", any()},
                              {"readOnly", any()},  {"mountPropagation", any()}, {"subPathExpr", any()},
                              {"recursiveReadOnly", any()}};
  return schema;
}

}  // namespace orkest::model::kinds
