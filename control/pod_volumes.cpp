#include "control/pod_volumes.hpp"

#include <set>

#include "model/base64.hpp"
#include "model/container_resources.hpp"
#include "model/json_access.hpp"
#include "control/pod_facts.hpp"
#include "volumes/pod_volume_host.hpp"

namespace orkest::control {

using nlohmann::json;

namespace {

constexpr unsigned default_mode = 0644;  // Kubernetes' defaultMode (420)

unsigned mode_of(const json& value, unsigned fallback) {
  return value.is_number_integer() ? static_cast<unsigned>(value.get<long long>()) & 07777 : fallback;
}

// A configMap's or secret's keys and their bytes: a ConfigMap's data as text and binaryData
// decoded; a Secret's data decoded.
std::map<std::string, std::string> entries_of(const json& object, bool secret) {
  std::map<std::string, std::string> entries;
  for (const char* field : {"data", "binaryData"}) {
    const bool encoded = secret || std::string(field) == "binaryData";
    const json& data = model::member_or_null(object, field);
    if (!data.is_object()) continue;
    for (const auto& [key, value] : data.items()) {
      if (!value.is_string()) continue;
      if (!encoded) {
        entries[key] = value.get<std::string>();
      } else if (auto bytes = model::base64_decode(value.get<std::string>())) {
        entries[key] = std::move(*bytes);
      }
    }
  }
  return entries;
}

// A configMap or secret volume's files (all keys, or the `items` asked for), or the kubelet's
// error when the object or a key is missing and not optional.
std::string payload_of(const json& source, const json* object, bool secret, std::vector<volumes::payload_file>& files) {
  const bool optional = model::member_or_null(source, "optional") == true;
  const std::string name = model::string_member(source, secret ? "secretName" : "name");
  if (!object) return optional ? std::string{} : std::string(secret ? "secret" : "configmap") + " \"" + name + "\" not found";
  const unsigned mode = mode_of(model::member_or_null(source, "defaultMode"), default_mode);
  const auto entries = entries_of(*object, secret);
  const json& items = model::member_or_null(source, "items");
  if (!items.is_array() || items.empty()) {
    for (const auto& [key, content] : entries) files.push_back({key, content, mode});
    return {};
  }
  for (const auto& item : items) {
    const std::string key = model::string_member(item, "key");
    auto entry = entries.find(key);
    if (entry == entries.end()) {
      if (optional) continue;
      return secret ? "references non-existent secret key: " + key : "configmap references non-existent config key: " + key;
    }
    files.push_back({model::string_member(item, "path"), entry->second, mode_of(model::member_or_null(item, "mode"), mode)});
  }
  return {};
}

std::int64_t memory_limit_of(const json& pod) {
  std::int64_t total = 0;
  for (const auto& container : model::array_member(model::member_or_null(pod, "spec"), "containers"))
    if (auto limit = model::resources_of(container).memory_limit) total += limit->value();
  return total;
}

}  // namespace

std::string pod_dir_for(const std::string& pods_dir, const json& pod) { return pods_dir + "/" + uid_of(pod); }

pod_volumes pod_volumes_for(const json& pod, const config_objects& objects, const std::string& pods_dir) {
  pod_volumes result;
  const json& spec = model::member_or_null(pod, "spec");
  result.plan.pod_dir = pod_dir_for(pods_dir, pod);
  const std::string volumes_dir = result.plan.pod_dir + "/volumes/";
  const json& fs_group = model::member_or_null(model::member_or_null(spec, "securityContext"), "fsGroup");

  std::map<std::string, std::size_t> by_name;  // index in plan.volumes
  std::set<std::string> read_only_claims;       // persistentVolumeClaim volumes with readOnly
  for (const auto& volume : model::array_member(spec, "volumes")) {
    volumes::volume_setup setup;
    setup.name = model::string_member(volume, "name");
    if (fs_group.is_number_integer()) setup.fs_group = fs_group.get<std::int64_t>();
    if (const json& empty_dir = model::member_or_null(volume, "emptyDir"); empty_dir.is_object()) {
      setup.type = volumes::volume_type::empty_dir;
      setup.path = volumes_dir + volumes::empty_dir_plugin + "/" + setup.name;
      setup.memory = model::string_member(empty_dir, "medium") == "Memory";
      if (auto size = model::quantity_of(model::member_or_null(empty_dir, "sizeLimit")))
        setup.size_limit_bytes = size->value();
      else if (setup.memory)
        setup.size_limit_bytes = memory_limit_of(pod);  // as Kubernetes: the pod's memory at most
    } else if (const json& host_path = model::member_or_null(volume, "hostPath"); host_path.is_object()) {
      setup.type = volumes::volume_type::host_path;
      setup.path = model::string_member(host_path, "path");
      setup.host_path_type = model::string_member(host_path, "type");
      setup.fs_group.reset();  // the host's files keep their owners
    } else if (const json& claim_source = model::member_or_null(volume, "persistentVolumeClaim"); claim_source.is_object()) {
      // A claim's volume is a folder of this host: the PersistentVolume's hostPath.
      const std::string claim_name = model::string_member(claim_source, "claimName");
      auto claim = objects.claims.find(claim_name);
      const std::string bound_to =
          claim == objects.claims.end() ? "" : model::string_member(model::member_or_null(claim->second, "spec"), "volumeName");
      const bool bound = claim != objects.claims.end() &&
                         model::string_member(model::member_or_null(claim->second, "status"), "phase") == "Bound";
      auto persistent = objects.volumes.find(bound_to);
      result.failed_volume = setup.name;
      result.waiting_for_claim = true;
      if (claim == objects.claims.end()) {
        result.error = "persistentvolumeclaim \"" + claim_name + "\" not found";
        return result;
      }
      if (!bound || bound_to.empty()) {
        result.error = "persistentvolumeclaim \"" + claim_name + "\" is not bound";
        return result;
      }
      if (persistent == objects.volumes.end()) {
        result.error = "persistentvolume \"" + bound_to + "\" not found";
        return result;
      }
      result.failed_volume.clear();
      result.waiting_for_claim = false;
      const json& source = model::member_or_null(model::member_or_null(persistent->second, "spec"), "hostPath");
      setup.type = volumes::volume_type::host_path;
      setup.path = model::string_member(source, "path");
      setup.host_path_type = model::string_member(source, "type");
      setup.fs_group.reset();
      if (model::member_or_null(claim_source, "readOnly") == true) read_only_claims.insert(setup.name);
    } else {
      const bool secret = model::member_or_null(volume, "secret").is_object();
      const json& source = model::member_or_null(volume, secret ? "secret" : "configMap");
      if (!source.is_object()) continue;  // the API admits no other kind
      setup.type = volumes::volume_type::projected;
      setup.path = volumes_dir + (secret ? volumes::secret_plugin : volumes::config_map_plugin) + "/" + setup.name;
      setup.memory = secret;  // as the kubelet: secrets never touch the disk
      const auto& found = secret ? objects.secrets : objects.config_maps;
      auto object = found.find(model::string_member(source, secret ? "secretName" : "name"));
      auto error = payload_of(source, object == found.end() ? nullptr : &object->second, secret, setup.files);
      if (!error.empty()) {
        result.failed_volume = setup.name;
        result.error = error;
        return result;
      }
    }
    result.plan.volumes.push_back(std::move(setup));
    by_name[result.plan.volumes.back().name] = result.plan.volumes.size() - 1;
  }

  for (const auto& container : model::array_member(spec, "containers"))
    for (const auto& mount : model::array_member(container, "volumeMounts")) {
      auto volume = by_name.find(model::string_member(mount, "name"));
      if (volume == by_name.end()) continue;  // the API refuses a mount of no volume
      const volumes::volume_setup& setup = result.plan.volumes[volume->second];
      const bool projected = setup.type == volumes::volume_type::projected;
      std::string source = setup.path;
      if (auto sub_path = model::string_member(mount, "subPath"); !sub_path.empty()) {
        source += "/" + sub_path;
        // Made when missing, as the kubelet does, except in a projected volume (its names are its keys).
        result.plan.sub_paths.push_back({setup.path, sub_path, !projected});
      }
      // As Kubernetes: configMap and secret volumes are always mounted read-only, a claim's when
      // the pod's volume says readOnly.
      const bool claim_read_only = read_only_claims.count(setup.name) > 0;
      result.mounts.push_back({source, model::string_member(mount, "mountPath"),
                               projected || claim_read_only || model::member_or_null(mount, "readOnly") == true});
    }
  // The container's terminationMessagePath, bound to a file of the pod's folder (as the kubelet
  // binds one), read when the container ends.
  const auto message_path = model::value_at(pod, "/spec/containers/0/terminationMessagePath"_json_pointer, std::string{});
  if (!pods_dir.empty() && !message_path.empty()) {
    result.plan.termination_log = termination_log_for(pods_dir, pod);
    result.mounts.push_back({result.plan.termination_log, message_path, false});
  }
  return result;
}

std::string termination_log_for(const std::string& pods_dir, const json& pod) {
  return pod_dir_for(pods_dir, pod) + "/containers/" +
         model::value_at(pod, "/spec/containers/0/name"_json_pointer, std::string{}) + "/termination-log";
}

std::string failed_mount_message(const std::string& volume, const std::string& error) {
  return "MountVolume.SetUp failed for volume \"" + volume + "\" : " + error;
}

}  // namespace orkest::control
