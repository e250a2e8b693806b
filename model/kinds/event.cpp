// Event (core/v1): what happened to an object, recorded by pod actors and controllers
// (actors/event_recorder.cpp) and listed by `kubectl get events` and `kubectl describe`.

#include "model/kinds/building_blocks.hpp"

namespace orkest::model::kinds {
namespace {

void validate_event(field_causes& found, const json& object) {
  validate_object_meta(found, object, name_rules::dns1123_subdomain);
  reader event(found, object, "");
  const json* involved = event.object("involvedObject");
  if (!involved) {
    if (!event.present("involvedObject")) found.push_back(fe::required("involvedObject"));
  } else {
    reader ref(found, *involved, "involvedObject");
    ref.string("kind");
    ref.string("name");
    ref.string("uid");
    // An event lives in the namespace of the object it is about.
    const auto event_namespace = string_member(member_or_null(object, "metadata"), "namespace");
    if (auto ns = ref.string("namespace"); ns && !ns->empty() && !event_namespace.empty() && *ns != event_namespace)
      found.push_back(fe::invalid("involvedObject.namespace", *ns, "does not match event.namespace"));
  }
  event.string("reason");
  event.string("message");
  event.optional_one_of("type", {"Normal", "Warning"});
  event.non_negative("count");
  if (const json* source = event.object("source")) {
    reader fields(found, *source, "source");
    fields.string("component");
    fields.string("host");
  }
}

const json& event_schema() {
  static const json schema = [] {
    json known = top_level(nullptr);
    for (const char* field : {"involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp",
                              "count", "type", "eventTime", "series", "action", "related", "reportingComponent",
                              "reportingInstance"})
      known[field] = any();
    return known;
  }();
  return schema;
}

// ---- printEvent ----

json event_columns() {
  return json::array({
      column("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
      column("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
      column("Reason", "string",
             "This should be a short, machine understandable string that gives the reason for the transition into "
             "the object's current status."),
      column("Object", "string", "The object that this event is about."),
      column("Subobject", "string",
             "If referring to a piece of an object instead of an entire object, this string should contain a valid "
             "JSON/Go field access statement, such as desiredState.manifest.containers[2].",
             1),
      column("Source", "string",
             "The component reporting this event. Should be a short machine understandable string.", 1),
      column("Message", "string", "A human-readable description of the status of this operation."),
      column("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in "
                                     "TypeMeta.)",
             1),
      column("Count", "string", "The number of times this event has occurred.", 1),
      column("Name", "string", name_description, 1, "name"),
  });
}

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

json event_cells(const json& event, std::chrono::system_clock::time_point now) {
  const auto& involved = member_or_null(event, "involvedObject");
  std::string kind = string_member(involved, "kind");
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto name = string_member(involved, "name");
  const auto& source = member_or_null(event, "source");
  std::string source_text = string_member(source, "component");
  if (const auto host = string_member(source, "host"); !host.empty()) source_text += ", " + host;
  auto first = string_member(event, "firstTimestamp");
  auto last = string_member(event, "lastTimestamp");
  if (first.empty()) first = string_member(event, "eventTime");
  if (last.empty()) last = first;
  return json::array({age_of(last, now), string_member(event, "type"), string_member(event, "reason"),
                      name.empty() ? kind : kind + "/" + name, string_member(involved, "fieldPath"), source_text,
                      trimmed(string_member(event, "message")), age_of(first, now), integer(event, "count"),
                      string_member(member_or_null(event, "metadata"), "name")});
}

}  // namespace

kind_strategy event() {
  kind_strategy strategy;
  strategy.names = {"Event", "EventList", "events", "event", "", "v1", {"ev"}, true};
  strategy.has_status = false;
  strategy.validate = validate_event;
  strategy.schema = event_schema;
  strategy.table_columns = event_columns;
  strategy.table_cells = event_cells;
  return strategy;
}

}  // namespace orkest::model::kinds
