#pragma once
// The store's values as the actors' messages. They never leave the process, so they are
// whitelisted for CAF's local messaging instead of being given serializers; the actors name
// them as their own.

#include <caf/allowed_unsafe_message_type.hpp>
#include <nlohmann/json.hpp>

#include "store/store_types.hpp"

namespace orkest::actors {

using json = nlohmann::json;
using store::object_key;
using store::list_request;
using store::patch_type;
using store::patch_request;
using store::delete_options;
using store::store_result;
using store::change_type;
using store::change_event;
using store::watch_request;
using store::to_string;

}  // namespace orkest::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::store::object_key)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::store::list_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::store::patch_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::store::delete_options)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::store::store_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::store::change_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::store::watch_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(nlohmann::json)
