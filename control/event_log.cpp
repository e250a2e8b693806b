#include "control/event_log.hpp"

#include <algorithm>

#include "model/json_access.hpp"
#include "model/timestamp.hpp"

namespace orkest::control {

using nlohmann::json;

json reference_to(const json& object, const std::string& field_path) {
  const auto& metadata = model::member_or_null(object, "metadata");
  json reference = {{"kind", model::string_member(object, "kind")},
                    {"namespace", model::string_member(metadata, "namespace")},
                    {"name", model::string_member(metadata, "name")},
                    {"uid", model::string_member(metadata, "uid")},
                    {"apiVersion", model::string_member(object, "apiVersion")},
                    {"resourceVersion", model::string_member(metadata, "resourceVersion")}};
  if (!field_path.empty()) reference["fieldPath"] = field_path;
  return reference;
}

std::string aggregation_key(const event_note& note) {
  const auto& ref = note.involved;
  // A separator no field can hold: the pieces cannot run into each other.
  const char sep = '\x1f';
  return model::string_member(ref, "kind") + sep + model::string_member(ref, "namespace") + sep +
         model::string_member(ref, "name") + sep + model::string_member(ref, "uid") + sep +
         model::string_member(ref, "fieldPath") + sep + note.type + sep + note.reason + sep + note.message + sep +
         note.component + sep + note.host;
}

json new_event(const event_note& note, const std::string& name, const std::string& now) {
  json source = {{"component", note.component}};
  if (!note.host.empty()) source["host"] = note.host;
  json involved = note.involved;
  involved.erase("resourceVersion");  // the object's version then; not part of what the event is about
  // Events about cluster-scoped objects (Nodes, PersistentVolumes) live in "default", as
  // client-go's recorder puts them.
  auto ns = model::string_member(note.involved, "namespace");
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
  const auto& count = model::member_or_null(stored, "count");
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
    const auto& metadata = model::member_or_null(event, "metadata");
    std::pair<std::string, std::string> key{model::string_member(metadata, "namespace"), model::string_member(metadata, "name")};
    auto last = model::parse_rfc3339(model::string_member(event, "lastTimestamp"));
    if (!last) last = model::parse_rfc3339(model::string_member(metadata, "creationTimestamp"));
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
