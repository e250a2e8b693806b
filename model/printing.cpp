#include "model/printing.hpp"

#include "model/json_access.hpp"
#include "model/timestamp.hpp"

namespace orkest::model::printing {

using nlohmann::json;

json column(const char* name, const char* type, const char* description, int priority,
            const char* format) {
  return {{"name", name}, {"type", type}, {"format", format}, {"description", description}, {"priority", priority}};
}

const char* const name_description =
    "Name must be unique within a namespace. Is required when creating resources, although some resources may "
    "allow a client to request the generation of an appropriate name automatically. Name is primarily intended "
    "for creation idempotence and configuration definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const char* const age_description =
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not "
    "guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It "
    "is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More "
    "info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

json default_columns() {
  return json::array({column("Name", "string", name_description, 0, "name"), column("Created At", "date", age_description)});
}

json default_cells(const json& object) {
  const auto& metadata = member_or_null(object, "metadata");
  return json::array({string_member(metadata, "name"), string_member(metadata, "creationTimestamp")});
}

std::int64_t integer(const json& object, const char* key) {
  const auto& value = member_or_null(object, key);
  return value.is_number_integer() ? value.get<int64_t>() : 0;
}

std::string join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

std::string or_none(std::string value) { return value.empty() ? "<none>" : value; }

// Kubernetes' translateTimestampSince.
std::string age_of(const std::string& timestamp, std::chrono::system_clock::time_point now) {
  auto when = parse_rfc3339(timestamp);
  if (!when) return "<unknown>";
  return human_duration(now - *when);
}

}  // namespace orkest::model::printing
