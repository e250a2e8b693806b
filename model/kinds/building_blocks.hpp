#pragma once
// What every kind file (model/kinds/<kind>.cpp) builds its strategy from, named in the kinds'
// namespace once rather than in each file.

#include <nlohmann/json.hpp>

#include "model/defaulting.hpp"
#include "model/field_schema.hpp"
#include "model/json_access.hpp"
#include "model/kinds/kinds.hpp"
#include "model/kinds/pod_template.hpp"
#include "model/name_rules.hpp"
#include "model/printing.hpp"
#include "model/validation_rules.hpp"

namespace orkest::model::kinds {

using nlohmann::json;
namespace fe = field_error;
using namespace defaulting;
using namespace printing;
using field_schema::any;
using field_schema::list_of;
using field_schema::top_level;

}  // namespace orkest::model::kinds
