#pragma once
// The known fields of each kind, for ?fieldValidation= (api/field_validation.cpp) and
// built by each kind (model/kinds/*.cpp). A schema: "*" accepts anything below; an object lists
// the known fields and their schemas; an array of one schema is a list of such items.

#include <nlohmann/json.hpp>

namespace orkest::model::field_schema {

// "*": anything below is accepted.
const nlohmann::json& any();
// A list whose items follow `item`.
nlohmann::json list_of(nlohmann::json item);
// ObjectMeta's fields.
const nlohmann::json& object_meta();
// apiVersion, kind, metadata, status, and `spec` when not null.
nlohmann::json top_level(nlohmann::json spec);

}  // namespace orkest::model::field_schema
