#include "app/bootstrap.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/body_decoder.hpp"
#include "model/content_hash.hpp"
#include "model/json_access.hpp"
#include "model/resource_kind.hpp"

namespace orkest::app {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<std::string> split_yaml_documents(const std::string& text) {
  std::vector<std::string> documents(1);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("---", 0) == 0 && line.find_first_not_of("- \t\r", 3) == std::string::npos) {
      documents.emplace_back();
      continue;
    }
    documents.back() += line + "\n";
  }
  documents.erase(std::remove_if(documents.begin(), documents.end(),
                                 [](const std::string& d) {
                                   std::istringstream in(d);
                                   std::string l;
                                   while (std::getline(in, l)) {
                                     auto start = l.find_first_not_of(" \t\r");
                                     if (start != std::string::npos && l[start] != '#') return false;
                                   }
                                   return true;
                                 }),
                  documents.end());
  return documents;
}

namespace {

void apply_object(const std::string& origin, json object, api::store_client& store, bootstrap_report& report) {
  if (object.value("kind", "") == "List" || object.value("kind", "").find("List") != std::string::npos) {
    for (auto& item : object.value("items", json::array())) apply_object(origin, item, store, report);
    return;
  }
  const auto* kind = model::find_kind(object.value("kind", ""));
  if (!kind) {
    spdlog::error("bootstrap: {}: unsupported kind \"{}\"", origin, object.value("kind", ""));
    ++report.failed;
    return;
  }
  // A cluster-scoped kind (StorageClass, PersistentVolume) lives in no namespace.
  auto ns = kind->namespaced ? model::value_at(object, "/metadata/namespace"_json_pointer, std::string{"default"})
                             : std::string{};
  // As kubelet does for static pods: the manifest's content hash, from which the store derives
  // the object's uid, so an unchanged manifest keeps its uid across restarts of orkest and its
  // pod adopts the container it left running (actors/object_store.cpp).
  if (object.contains("metadata") && object["metadata"].is_object()) {
    auto hash = model::content_hash(object.dump());
    json& annotations = object["metadata"]["annotations"];
    if (annotations.is_null()) annotations = json::object();
    if (annotations.is_object()) {
      annotations["kubernetes.io/config.source"] = "file";
      annotations["kubernetes.io/config.hash"] = hash;
    }
  }
  const auto name = model::value_at(object, "/metadata/name"_json_pointer, std::string{});
  const auto hash = model::value_at(object, "/metadata/annotations/kubernetes.io~1config.hash"_json_pointer, std::string{});
  auto result = store.call(actors::create_atom::value, kind->kind, ns, object);
  if (result.ok()) {
    spdlog::info("bootstrap: {}: created {} {}{}", origin, kind->kind, ns.empty() ? "" : ns + "/",
                 result.object["metadata"]["name"].get<std::string>());
    ++report.created;
    return;
  }
  // Kept from an earlier run (storage): as `kubectl apply`, left alone when the manifest is
  // the one last applied, updated when the file changed.
  if (result.error->code == 409 && !name.empty()) {
    auto stored = store.call(actors::get_atom::value, store::object_key{kind->kind, ns, name});
    if (stored.ok() &&
        model::value_at(stored.object, "/metadata/annotations/kubernetes.io~1config.hash"_json_pointer, std::string{}) ==
            hash) {
      ++report.unchanged;
      return;
    }
    result = store.call(actors::update_atom::value, store::object_key{kind->kind, ns, name}, std::move(object));
    if (result.ok()) {
      spdlog::info("bootstrap: {}: updated {} {}{} (the manifest changed)", origin, kind->kind, ns.empty() ? "" : ns + "/",
                   name);
      ++report.updated;
      return;
    }
  }
  spdlog::error("bootstrap: {}: {}", origin, result.error->message);
  ++report.failed;
}

}  // namespace

bootstrap_report apply_manifests(const std::string& folder, api::store_client& store) {
  bootstrap_report report;
  if (folder.empty() || !fs::is_directory(folder)) return report;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    auto extension = entry.path().extension();
    if (entry.is_regular_file() && (extension == ".yaml" || extension == ".yml" || extension == ".json"))
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    bool is_json = file.extension() == ".json";
    auto documents = is_json ? std::vector<std::string>{text.str()} : split_yaml_documents(text.str());
    for (const auto& document : documents) {
      auto decoded = model::decode_body(document, is_json ? "application/json" : "application/yaml");
      if (auto* error = std::get_if<model::api_error>(&decoded)) {
        spdlog::error("bootstrap: {}: {}", file.string(), error->message);
        ++report.failed;
        continue;
      }
      apply_object(file.string(), std::move(std::get<json>(decoded)), store, report);
    }
  }
  return report;
}

}  // namespace orkest::app
