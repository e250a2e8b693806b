#include "api/events_v1.hpp"

#include "model/json_access.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

using nlohmann::json;

namespace {

json event_v1(const json& core) {
  json event = {{"apiVersion", "events.k8s.io/v1"},
                {"kind", "Event"},
                {"metadata", member_or_null(core, "metadata")},
                {"regarding", member_or_null(core, "involvedObject")},
                {"reason", member_or_null(core, "reason")},
                {"note", member_or_null(core, "message")},
                {"type", member_or_null(core, "type")},
                {"eventTime", member_or_null(core, "eventTime")},
                {"reportingController", member_or_null(core, "reportingComponent")},
                {"reportingInstance", member_or_null(core, "reportingInstance")},
                {"deprecatedSource", member_or_null(core, "source")},
                {"deprecatedFirstTimestamp", member_or_null(core, "firstTimestamp")},
                {"deprecatedLastTimestamp", member_or_null(core, "lastTimestamp")},
                {"deprecatedCount", member_or_null(core, "count")}};
  for (auto it = event.begin(); it != event.end();) it = it->is_null() ? event.erase(it) : std::next(it);
  return event;
}

}  // namespace

json events_v1_list(const json& core_list) {
  json items = json::array();
  const auto& core_items = member_or_null(core_list, "items");
  if (core_items.is_array())
    for (const auto& core : core_items) items.push_back(event_v1(core));
  return {{"kind", "EventList"},
          {"apiVersion", "events.k8s.io/v1"},
          {"metadata", member_or_null(core_list, "metadata")},
          {"items", items}};
}

}  // namespace orkest::api
