#include "api/table.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <vector>

#include "model/json_access.hpp"
#include "model/kind_strategy.hpp"
#include "model/printing.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

using nlohmann::json;

namespace {

json row_object(const json& object, const table_options& options) {
  switch (options.include) {
    case include_object::none:
      return nullptr;
    case include_object::object:
      return object;
    case include_object::metadata:
      break;
  }
  return {{"kind", "PartialObjectMetadata"},
          {"apiVersion", options.api_version},
          {"metadata", member_or_null(object, "metadata").is_object() ? member_or_null(object, "metadata") : json::object()}};
}

json row_for(const resource_kind& kind, const json& object, const table_options& options) {
  json row = {{"cells", table_cells(kind, object, options.now)}};
  if (auto conditions_of = strategy_for(kind).table_row_conditions)
    if (auto conditions = conditions_of(object); !conditions.is_null()) row["conditions"] = conditions;
  auto carried = row_object(object, options);
  if (!carried.is_null()) row["object"] = std::move(carried);
  return row;
}

std::string trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

std::optional<std::string> table_version_wanted(std::string_view accept) {
  std::size_t start = 0;
  while (start <= accept.size()) {
    auto end = accept.find(',', start);
    if (end == std::string_view::npos) end = accept.size();
    auto media = accept.substr(start, end - start);
    start = end + 1;
    // "application/json;as=Table;v=v1;g=meta.k8s.io"
    std::vector<std::string> parts;
    std::size_t from = 0;
    while (from <= media.size()) {
      auto semicolon = media.find(';', from);
      if (semicolon == std::string_view::npos) semicolon = media.size();
      parts.push_back(trim(media.substr(from, semicolon - from)));
      from = semicolon + 1;
    }
    if (parts.empty() || parts[0].empty()) continue;
    const auto& type = parts[0];
    std::map<std::string, std::string> params;
    for (std::size_t i = 1; i < parts.size(); ++i) {
      auto equals = parts[i].find('=');
      if (equals != std::string::npos) params[parts[i].substr(0, equals)] = parts[i].substr(equals + 1);
    }
    bool json_type = type == "application/json" || type == "*/*" || type == "application/*";
    if (!json_type) continue;  // protobuf and the like: orkest answers JSON only
    auto as = params.find("as");
    if (as == params.end()) return std::nullopt;  // plain JSON is preferred
    if (as->second != "Table") continue;          // PartialObjectMetadata(List): not served
    auto group = params.count("g") ? params["g"] : "";
    auto version = params.count("v") ? params["v"] : "";
    if (group != "meta.k8s.io") continue;
    if (version == "v1" || version == "v1beta1") return "meta.k8s.io/" + version;
  }
  return std::nullopt;
}

std::optional<include_object> parse_include_object(std::string_view value) {
  if (value.empty() || value == "Metadata") return include_object::metadata;
  if (value == "None") return include_object::none;
  if (value == "Object") return include_object::object;
  return std::nullopt;
}

json table_columns(const resource_kind& kind) {
  if (auto columns = strategy_for(kind).table_columns) return columns();
  return printing::default_columns();
}

json table_cells(const resource_kind& kind, const json& object, std::chrono::system_clock::time_point now) {
  if (auto cells = strategy_for(kind).table_cells) return cells(object, now);
  return printing::default_cells(object);
}

json to_table(const resource_kind& kind, const json& object_or_list, const table_options& options) {
  json rows = json::array();
  const auto& items = member_or_null(object_or_list, "items");
  bool is_list = items.is_array();
  if (is_list) {
    for (const auto& item : items) rows.push_back(row_for(kind, item, options));
  } else {
    rows.push_back(row_for(kind, object_or_list, options));
  }
  json metadata = json::object();
  auto version = string_member(member_or_null(object_or_list, "metadata"), "resourceVersion");
  if (!version.empty()) metadata["resourceVersion"] = version;
  return {{"kind", "Table"},
          {"apiVersion", options.api_version},
          {"metadata", metadata},
          {"columnDefinitions", table_columns(kind)},
          {"rows", rows}};
}

}  // namespace orkest::api
