#pragma once
// The building blocks of every kind's printer (model/kinds/*.cpp): the columns and cells of the
// Table `kubectl get` prints, worded as Kubernetes' printers (pkg/printers/internalversion).

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace orkest::model::printing {

// A column definition; priority 0 is shown by `kubectl get`, 1 only by `-o wide`.
nlohmann::json column(const char* name, const char* type, const char* description, int priority = 0,
                      const char* format = "");
// The Name and Age columns' descriptions, the same for every kind.
extern const char* const name_description;
extern const char* const age_description;
// The Name and Created At columns Kubernetes prints for kinds without a printer of their own.
nlohmann::json default_columns();
nlohmann::json default_cells(const nlohmann::json& object);

// object[key] when an integer, else 0.
std::int64_t integer(const nlohmann::json& object, const char* key);
std::string join(const std::vector<std::string>& parts, const char* separator);
// "<none>" for an empty value, as kubectl prints it.
std::string or_none(std::string value);
// Kubernetes' translateTimestampSince: the age of an RFC 3339 timestamp, "<unknown>" when none.
std::string age_of(const std::string& timestamp, std::chrono::system_clock::time_point now);

}  // namespace orkest::model::printing
