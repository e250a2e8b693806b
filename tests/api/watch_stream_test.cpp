// Watches over HTTP (api/watch_stream.cpp): the wire encoding, the query a watch is
// asked with, and the stream actor against the real store actor on the deterministic
// scheduler, writing into a recording sink.

#include <gtest/gtest.h>

#include "api/watch_stream.hpp"
#include "tests/actors/actor_test_support.hpp"
#include "tests/api/recording_sink.hpp"

namespace orkest::testing {
namespace {

using api::encode_watch_event;
using api::http_request;
using api::route;
using api::watch_parameters;
using api::watch_parameters_of;
using api::watch_settings;
using std::chrono::milliseconds;
using std::chrono::seconds;

json pod(const std::string& name, json labels = {{"app", "web"}}) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"labels", std::move(labels)}}},
          {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}};
}

route pods_route(const std::string& ns = "default") {
  route r;
  r.kind = model::find_kind("Pod");
  r.ns = ns;
  return r;
}

http_request watch_request(std::map<std::string, std::string> query, std::string accept = "application/json") {
  http_request request;
  request.method = "GET";
  request.path = "/api/v1/namespaces/default/pods";
  request.query = std::move(query);
  request.accept = std::move(accept);
  return request;
}

std::vector<json> events_of(const std::string& body) {
  std::vector<json> events;
  std::size_t start = 0;
  while (start < body.size()) {
    auto end = body.find('\n', start);
    EXPECT_NE(end, std::string::npos) << "every event ends with a newline";
    if (end == std::string::npos) break;
    events.push_back(json::parse(body.substr(start, end - start)));
    start = end + 1;
  }
  return events;
}

std::vector<std::string> types_of(const std::vector<json>& events) {
  std::vector<std::string> types;
  for (const auto& event : events) types.push_back(event["type"]);
  return types;
}

TEST(watch_encoding, one_json_line_per_event_type_first) {
  auto line = encode_watch_event("ADDED", {{"kind", "Pod"}, {"metadata", {{"name", "a"}}}});
  EXPECT_EQ(line, "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}}\n");
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

TEST(watch_encoding, bookmarks_carry_only_the_version) {
  auto bookmark = api::bookmark_object(*model::find_kind("ReplicaSet"), 42, false);
  EXPECT_EQ(bookmark, json({{"kind", "ReplicaSet"}, {"apiVersion", "apps/v1"}, {"metadata", {{"resourceVersion", "42"}}}}));
  auto end = api::bookmark_object(*model::find_kind("Pod"), 7, true);
  EXPECT_EQ(end["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
}

TEST(watch_query, watch_true_and_1_are_watches) {
  EXPECT_TRUE(api::is_watch_request(watch_request({{"watch", "true"}})));
  EXPECT_TRUE(api::is_watch_request(watch_request({{"watch", "1"}})));
  EXPECT_FALSE(api::is_watch_request(watch_request({{"watch", "false"}})));
  EXPECT_FALSE(api::is_watch_request(watch_request({{"watch", "0"}})));
  EXPECT_FALSE(api::is_watch_request(watch_request({})));
}

TEST(watch_query, versions_timeouts_bookmarks_and_selectors) {
  watch_settings settings;
  auto parsed = watch_parameters_of(watch_request({{"watch", "true"},
                                                   {"resourceVersion", "17"},
                                                   {"timeoutSeconds", "30"},
                                                   {"allowWatchBookmarks", "true"},
                                                   {"labelSelector", "app=web"},
                                                   {"fieldSelector", "metadata.name=a"}}),
                                    pods_route(), settings);
  ASSERT_TRUE(std::holds_alternative<watch_parameters>(parsed));
  const auto& p = std::get<watch_parameters>(parsed);
  EXPECT_EQ(p.request.kind, "Pod");
  EXPECT_EQ(p.request.ns, "default");
  EXPECT_EQ(p.request.resource_version, 17u);
  EXPECT_FALSE(p.request.send_initial_events);
  EXPECT_EQ(p.timeout, seconds(30));
  EXPECT_TRUE(p.bookmarks);
  EXPECT_EQ(p.request.label_selector, "app=web");
  EXPECT_EQ(p.request.field_selector, "metadata.name=a");
  EXPECT_FALSE(p.table);
}

TEST(watch_query, no_version_or_zero_starts_with_the_current_state) {
  watch_settings settings;
  for (const char* version : {"", "0"}) {
    auto parsed = watch_parameters_of(watch_request({{"watch", "1"}, {"resourceVersion", version}}), pods_route(), settings);
    ASSERT_TRUE(std::holds_alternative<watch_parameters>(parsed));
    const auto& p = std::get<watch_parameters>(parsed);
    EXPECT_TRUE(p.request.send_initial_events) << version;
    EXPECT_FALSE(p.request.resource_version);
    EXPECT_EQ(p.timeout, settings.default_timeout);
  }
  auto parsed = watch_parameters_of(watch_request({{"watch", "1"}, {"sendInitialEvents", "true"}}), pods_route(), settings);
  const auto& p = std::get<watch_parameters>(parsed);
  EXPECT_TRUE(p.request.send_initial_events);
  EXPECT_TRUE(p.initial_events_end);
}

TEST(watch_query, tables_for_kubectl_get_watch) {
  auto parsed = watch_parameters_of(
      watch_request({{"watch", "true"}}, "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"),
      pods_route(), watch_settings{});
  const auto& p = std::get<watch_parameters>(parsed);
  ASSERT_TRUE(p.table);
  auto object = api::watch_object(p, pod("a"));
  EXPECT_EQ(object["kind"], "Table");
  EXPECT_EQ(object["rows"][0]["cells"][0], "a");
}

TEST(watch_query, malformed_values_are_bad_requests) {
  for (auto query : std::vector<std::map<std::string, std::string>>{{{"resourceVersion", "abc"}},
                                                                     {{"timeoutSeconds", "-1"}},
                                                                     {{"timeoutSeconds", "soon"}},
                                                                     {{"allowWatchBookmarks", "maybe"}}}) {
    query["watch"] = "true";
    auto parsed = watch_parameters_of(watch_request(query), pods_route(), watch_settings{});
    ASSERT_TRUE(std::holds_alternative<model::api_error>(parsed)) << query.begin()->first;
    EXPECT_EQ(std::get<model::api_error>(parsed).code, 400);
  }
}

// The stream actor with the real store actor on the deterministic scheduler.
class watch_stream_test : public deterministic_actors {
 protected:
  void start_store(std::size_t history_limit = 4096) {
    store::object_store_settings settings;
    settings.history_limit = history_limit;
    store = actors::spawn_store(system, settings);
    stop_at_end(store);
  }

  std::shared_ptr<recording_sink> watch(std::map<std::string, std::string> query) {
    query["watch"] = "true";
    auto parsed = watch_parameters_of(watch_request(query), pods_route(), watch_settings{});
    EXPECT_TRUE(std::holds_alternative<watch_parameters>(parsed));
    auto sink = std::make_shared<recording_sink>();
    auto actor = api::start_watch(system, store, sink, std::get<watch_parameters>(parsed));
    stop_at_end(actor);
    run();
    return sink;
  }
};

TEST_F(watch_stream_test, streams_the_state_then_changes_until_the_timeout) {
  start_store();
  ASSERT_TRUE(create(pod("a")).ok());
  auto sink = watch({{"timeoutSeconds", "30"}});
  auto record = sink->snapshot();
  ASSERT_EQ(record.stream_code, 200);
  EXPECT_EQ(record.content_type, "application/json");
  EXPECT_EQ(types_of(events_of(sink->body())), (std::vector<std::string>{"ADDED"}));

  ASSERT_TRUE(create(pod("b")).ok());
  auto labelled = get("Pod", "b").object;
  labelled["metadata"]["labels"]["stage"] = "two";
  ASSERT_TRUE(update(labelled).ok());
  ASSERT_TRUE(remove("Pod", "a", "default", store::delete_options{0, {}, {}}).ok());
  auto events = events_of(sink->body());
  EXPECT_EQ(types_of(events), (std::vector<std::string>{"ADDED", "ADDED", "MODIFIED", "DELETED"}));
  EXPECT_EQ(events[2]["object"]["metadata"]["labels"]["stage"], "two");
  EXPECT_EQ(events[3]["object"]["metadata"]["name"], "a");
  EXPECT_FALSE(sink->snapshot().ended);

  advance_time(seconds(29));
  EXPECT_FALSE(sink->snapshot().ended);
  advance_time(seconds(1));
  EXPECT_TRUE(sink->snapshot().ended);
  ASSERT_TRUE(create(pod("c")).ok());  // nobody listens any more
  EXPECT_EQ(events_of(sink->body()).size(), 4u);
}

TEST_F(watch_stream_test, resumes_after_a_version) {
  start_store();
  auto first = create(pod("a"));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(create(pod("b")).ok());
  ASSERT_TRUE(create(pod("c", {{"app", "other"}})).ok());
  auto sink = watch({{"resourceVersion", first.object["metadata"]["resourceVersion"]}, {"labelSelector", "app=web"}});
  auto events = events_of(sink->body());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["object"]["metadata"]["name"], "b");
}

TEST_F(watch_stream_test, an_expired_version_is_an_error_event_with_410) {
  start_store(2);
  for (const char* name : {"a", "b", "c", "d"}) ASSERT_TRUE(create(pod(name)).ok());
  auto sink = watch({{"resourceVersion", "1"}});
  auto record = sink->snapshot();
  ASSERT_EQ(record.stream_code, 200);
  auto events = events_of(sink->body());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "ERROR");
  EXPECT_EQ(events[0]["object"]["kind"], "Status");
  EXPECT_EQ(events[0]["object"]["code"], 410);
  EXPECT_EQ(events[0]["object"]["reason"], "Expired");
  EXPECT_TRUE(record.ended);
}

TEST_F(watch_stream_test, a_bad_selector_is_a_400_response_not_a_stream) {
  start_store();
  auto sink = watch({{"labelSelector", "a==="}});
  auto record = sink->snapshot();
  EXPECT_FALSE(record.stream_code);
  ASSERT_TRUE(record.sent);
  EXPECT_EQ(record.sent->code, 400);
}

TEST_F(watch_stream_test, bookmarks_come_periodically_and_before_the_timeout) {
  start_store();
  ASSERT_TRUE(create(pod("a")).ok());
  auto sink = watch({{"allowWatchBookmarks", "true"}, {"timeoutSeconds", "150"}});
  ASSERT_TRUE(create(json{{"apiVersion", "apps/v1"},
                          {"kind", "ReplicaSet"},
                          {"metadata", {{"name", "rs"}}},
                          {"spec",
                           {{"replicas", 0},
                            {"selector", {{"matchLabels", {{"app", "x"}}}}},
                            {"template",
                             {{"metadata", {{"labels", {{"app", "x"}}}}},
                              {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}}}}}})
                  .ok());
  advance_time(seconds(60));
  auto events = events_of(sink->body());
  ASSERT_EQ(types_of(events), (std::vector<std::string>{"ADDED", "BOOKMARK"}));
  // The bookmark is at the store's version: the ReplicaSet's change counts, though not sent.
  EXPECT_EQ(events[1]["object"]["metadata"]["resourceVersion"], "2");
  advance_time(seconds(60));
  EXPECT_EQ(types_of(events_of(sink->body())), (std::vector<std::string>{"ADDED", "BOOKMARK", "BOOKMARK"}));
  EXPECT_FALSE(sink->snapshot().ended);
  advance_time(seconds(30));
  EXPECT_EQ(types_of(events_of(sink->body())), (std::vector<std::string>{"ADDED", "BOOKMARK", "BOOKMARK", "BOOKMARK"}));
  EXPECT_TRUE(sink->snapshot().ended);
}

TEST_F(watch_stream_test, send_initial_events_ends_them_with_an_annotated_bookmark) {
  start_store();
  ASSERT_TRUE(create(pod("a")).ok());
  ASSERT_TRUE(create(pod("b")).ok());
  auto sink = watch({{"sendInitialEvents", "true"}, {"allowWatchBookmarks", "true"}});
  auto events = events_of(sink->body());
  ASSERT_EQ(types_of(events), (std::vector<std::string>{"ADDED", "ADDED", "BOOKMARK"}));
  EXPECT_EQ(events[2]["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
  EXPECT_EQ(events[2]["object"]["metadata"]["resourceVersion"], "2");
}

TEST_F(watch_stream_test, a_client_that_leaves_ends_the_stream) {
  start_store();
  auto sink = watch({});
  ASSERT_EQ(sink->snapshot().stream_code, 200);
  sink->disconnect();
  run();
  ASSERT_TRUE(create(pod("a")).ok());
  EXPECT_EQ(sink->body(), "");
}

}  // namespace
}  // namespace orkest::testing
