#pragma once
// What every kind file (api/kinds/<kind>.cpp) builds its strategy from, named in the kinds'
// namespace once rather than in each file.

#include <nlohmann/json.hpp>

#include "api/defaulting.hpp"
#include "api/field_schema.hpp"
#include "api/json_access.hpp"
#include "api/kinds/kinds.hpp"
#include "api/kinds/pod_template.hpp"
#include "api/name_rules.hpp"
#include "api/printing.hpp"
#include "api/validation_rules.hpp"

namespace orkest::api::kinds {

using nlohmann::json;
namespace fe = field_error;
using namespace defaulting;
using namespace printing;
using field_schema::any;
using field_schema::list_of;
using field_schema::top_level;

}  // namespace orkest::api::kinds
