#pragma once
// Server-side printing: the meta.k8s.io `Table` kubectl asks for (Accept:
// application/json;as=Table;v=v1;g=meta.k8s.io) so that `kubectl get` prints the same columns
// as against Kubernetes. Columns and cells follow Kubernetes' own printers
// (pkg/printers/internalversion): priority-0 columns are what `kubectl get` shows, priority-1
// ones are added by `-o wide`. Pure: the clock is a parameter.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "model/resource_kind.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

// Which Table version an Accept header asks for, in its order of preference:
// "meta.k8s.io/v1" or "meta.k8s.io/v1beta1"; nullopt when it does not ask for a Table (or
// prefers plain JSON first).
std::optional<std::string> table_version_wanted(std::string_view accept);

// ?includeObject=: what each row carries in `object`.
enum class include_object { none, metadata, object };
// nullopt for a value Kubernetes rejects; an empty value means the default (metadata).
std::optional<include_object> parse_include_object(std::string_view value);

struct table_options {
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  include_object include = include_object::metadata;
  std::string api_version = "meta.k8s.io/v1";
};

// The Table of one object or of a List (PodList, ...) of `kind`.
nlohmann::json to_table(const resource_kind& kind, const nlohmann::json& object_or_list, const table_options& options);

// The column definitions of a kind (what a Table's `columnDefinitions` holds).
nlohmann::json table_columns(const resource_kind& kind);

// One object's cells, in the order of table_columns(kind).
nlohmann::json table_cells(const resource_kind& kind, const nlohmann::json& object,
                           std::chrono::system_clock::time_point now);

}  // namespace orkest::api
