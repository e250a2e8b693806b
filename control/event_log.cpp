#include "control/event_log.hpp"

#include <algorithm>

#include "api/json_access.hpp"
#include "api/timestamp.hpp"

namespace orkest::control {

using nlohmann::json;

json reference_to(const json& object, const std::string& field_path) {
  const auto& metadata = api::member_or_null(object, "metadata");
  json reference = {{"kind", api::string_member(object, "kind")},
                    {"namespace", api::string_member(metadata, "namespace")},
                    {"name", api::string_member(metadata, "name")},
                    {"uid", api::string_member(metadata, "uid")},
                    {"apiVersion", api::string_member(object, "apiVersion")},
                    {"resourceVersion", api::string_member(metadata, "resourceVersion")}};
  if (!field_path.empty()) reference["fieldPath"] = field_path;
  return reference;
}

std::string aggregation_key(const event_note& note) {
  const auto& ref = note.involved;
  // A separator no field can hold: the pieces cannot run into each other.
  const char sep = '\x1f';
  return api::string_member(ref, "kind") + sep + api::string_member(ref, "namespace") + sep +
         api::string_member(ref, "name") + sep + api::string_member(ref, "uid") + sep +
         api::string_member(ref, "fieldPath") + sep + note.type + sep + note.reason + sep + note.message + sep +
         note.component + sep + note.host;
}

json new_event(const event_note& note, const std::string& name, const std::string& now) {
  json source = {{"component", note.component}};
  if (!note.host.empty()) source["host"] = note.host;
  json involved = note.involved;
  involved.erase("resourceVersion");  // the object's version then; not part of what the event is about
  // Events about cluster-scoped objects (Nodes, PersistentVolumes) live in "default", as
  // client-go's recorder puts them.
  auto ns = api::string_member(note.involved, "namespace");
  return {{"apiVersion", "v1"},
          {"kind", "Event"},
          {"metadata", {{"name", name}, {"namespace", ns.empty() ? "default" : ns}}},
          {"involvedObject", involved},
          {"reason", note.reason},
          {"message", note.message},
          {"source", source},
          {"firstTimestamp", now},
          {"lastTimestamp", now},
          {"count", 1},
          {"type", note.type},
          {"eventTime", nullptr},
          {"reportingComponent", note.component},
          {"reportingInstance", note.host}};
}

json repeated_event(json stored, const std::string& now) {
  const auto& count = api::member_or_null(stored, "count");
  stored["count"] = (count.is_number_integer() ? count.get<int64_t>() : 1) + 1;
  stored["lastTimestamp"] = now;
  return stored;
}

std::vector<std::pair<std::string, std::string>> events_to_drop(const std::vector<json>& events,
                                                                std::chrono::system_clock::time_point now,
                                                                std::chrono::seconds ttl, std::size_t limit) {
  struct seen {
    std::chrono::system_clock::time_point last;
    std::pair<std::string, std::string> key;
  };
  std::vector<seen> kept;
  std::vector<std::pair<std::string, std::string>> dropped;
  for (const auto& event : events) {
    const auto& metadata = api::member_or_null(event, "metadata");
    std::pair<std::string, std::string> key{api::string_member(metadata, "namespace"), api::string_member(metadata, "name")};
    auto last = api::parse_rfc3339(api::string_member(event, "lastTimestamp"));
    if (!last) last = api::parse_rfc3339(api::string_member(metadata, "creationTimestamp"));
    // Without any time it counts as as old as can be: an event nobody can age is dropped first.
    const auto when = last.value_or(std::chrono::system_clock::time_point{});
    if (now - when >= ttl) dropped.push_back(std::move(key));
    else kept.push_back({when, std::move(key)});
  }
  if (kept.size() > limit) {
    std::sort(kept.begin(), kept.end(), [](const seen& a, const seen& b) { return a.last < b.last; });
    for (std::size_t i = 0; i < kept.size() - limit; ++i) dropped.push_back(kept[i].key);
  }
  return dropped;
}

}  // namespace orkest::control
