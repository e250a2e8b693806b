#include "model/kinds/persistent_storage.hpp"

#include <algorithm>

#include "model/container_resources.hpp"
#include "model/kinds/building_blocks.hpp"

namespace orkest::model::kinds {

void validate_access_modes(field_causes& found, reader& spec) {
  const json* modes = spec.array("accessModes");
  if (!modes || modes->empty()) {
    found.push_back(fe::required(spec.path("accessModes")));
    return;
  }
  bool once_pod = false;
  for (std::size_t i = 0; i < modes->size(); ++i) {
    const json& mode = (*modes)[i];
    if (!mode.is_string() || std::find(access_modes.begin(), access_modes.end(), mode.get<std::string>()) == access_modes.end())
      found.push_back(fe::not_supported(fe::index(spec.path("accessModes"), i), mode, access_modes));
    else if (mode == "ReadWriteOncePod")
      once_pod = true;
  }
  if (once_pod && modes->size() > 1)
    found.push_back(fe::forbidden(spec.path("accessModes"), "may not use ReadWriteOncePod with other access modes"));
}

void validate_storage_size(field_causes& found, const json* value, const std::string& path) {
  if (!value || value->is_null()) {
    found.push_back(fe::required(path));
    return;
  }
  const auto amount = quantity_of(*value);
  if (!amount)
    found.push_back(fe::invalid(path, *value, quantity_syntax_message));
  else if (amount->negative() || amount->milli_value() == 0)
    found.push_back(fe::invalid(path, *value, "must be greater than zero"));
}

void validate_volume_mode(field_causes& found, reader& spec) {
  if (auto mode = spec.string("volumeMode"); mode && *mode != "Filesystem")
    found.push_back(fe::not_supported(spec.path("volumeMode"), *mode, {"Filesystem"}));
}

std::string access_modes_text(const json& modes) {
  std::string text;
  if (!modes.is_array()) return text;
  for (const auto& mode : modes) {
    const std::string short_name = mode == "ReadWriteOnce"      ? "RWO"
                                   : mode == "ReadOnlyMany"     ? "ROX"
                                   : mode == "ReadWriteMany"    ? "RWX"
                                   : mode == "ReadWriteOncePod" ? "RWOP"
                                                                : "";
    if (short_name.empty()) continue;
    text += (text.empty() ? "" : ",") + short_name;
  }
  return text;
}

long long storage_bytes(const json& value) {
  const auto amount = quantity_of(value);
  return amount && !amount->negative() ? amount->value() : 0;
}

}  // namespace orkest::model::kinds
