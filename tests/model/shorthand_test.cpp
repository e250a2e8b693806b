#include "model/shorthand.hpp"

#include <gtest/gtest.h>

namespace orkest::model {
namespace {

using nlohmann::json;

const resource_kind& kind(const char* name) { return *find_kind(name); }

json expanded(const char* kind_name, const char* body) {
  json object = json::parse(body);
  expand_shorthands(kind(kind_name), object);
  return object;
}

TEST(Shorthand, FlatReplicaSetSelectorBecomesMatchLabels) {
  json rs = expanded("ReplicaSet", R"({"spec": {"selector": {"name": "health"}}})");
  EXPECT_EQ(rs["spec"]["selector"], json::parse(R"({"matchLabels": {"name": "health"}})"));
}

TEST(Shorthand, CanonicalSelectorsAreLeftAlone) {
  for (const char* selector : {R"({"matchLabels": {"a": "b"}})",
                               R"({"matchExpressions": [{"key": "a", "operator": "Exists"}]})", "{}", R"({"a": 1})"}) {
    json rs = json{{"spec", {{"selector", json::parse(selector)}}}};
    expand_shorthands(kind("ReplicaSet"), rs);
    EXPECT_EQ(rs["spec"]["selector"], json::parse(selector)) << selector;
  }
}

TEST(Shorthand, TemplateMetadataHoldingLabelsDirectlyBecomesLabels) {
  json rs = expanded("ReplicaSet", R"({"spec": {"template": {"metadata": {"app": "health"}}}})");
  EXPECT_EQ(rs["spec"]["template"]["metadata"], json::parse(R"({"labels": {"app": "health"}})"));
}

TEST(Shorthand, TemplateMetadataWithObjectMetaFieldsIsCanonical) {
  for (const char* metadata : {R"({"labels": {"app": "health"}})", R"({"name": "x"})", R"({"annotations": {"a": "b"}})",
                               R"({"app": 5})", "{}"}) {
    json rs = json{{"spec", {{"template", {{"metadata", json::parse(metadata)}}}}}};
    expand_shorthands(kind("ReplicaSet"), rs);
    EXPECT_EQ(rs["spec"]["template"]["metadata"], json::parse(metadata)) << metadata;
  }
}

TEST(Shorthand, EnvMapBecomesAListOfNameValuePairs) {
  json pod = expanded("Pod", R"({"spec": {"containers": [{"name": "ping",
      "env": {"HEALTH_SERVICE": "health-service:2000", "PORT": 5000, "DEBUG": true}}]}})");
  EXPECT_EQ(pod["spec"]["containers"][0]["env"], json::parse(R"([
      {"name": "DEBUG", "value": "true"},
      {"name": "HEALTH_SERVICE", "value": "health-service:2000"},
      {"name": "PORT", "value": "5000"}])"));
}

TEST(Shorthand, EnvListsAndUnrecognisedEnvShapesAreLeftAlone) {
  const char* pod_text = R"({"spec": {"containers": [
      {"env": [{"name": "A", "value": "1"}]},
      {"env": {"A": {"valueFrom": {}}}},
      "not a container"]}})";
  EXPECT_EQ(expanded("Pod", pod_text), json::parse(pod_text));
}

TEST(Shorthand, ReplicaSetTemplateEnvMapIsExpanded) {
  json rs = expanded("ReplicaSet", R"({"spec": {"template": {"spec": {"containers": [{"env": {"A": "1"}}]}}}})");
  EXPECT_EQ(rs["spec"]["template"]["spec"]["containers"][0]["env"], json::parse(R"([{"name": "A", "value": "1"}])"));
}

TEST(Shorthand, SelectorLabelsTheTemplateLacksAreAdded) {
  json rs = expanded("ReplicaSet", R"({"spec": {"selector": {"matchLabels": {"name": "health"}},
                                                "template": {"metadata": {"labels": {"app": "health"}}}}})");
  EXPECT_EQ(rs["spec"]["template"]["metadata"]["labels"], json::parse(R"({"app": "health", "name": "health"})"));

  json bare = expanded("ReplicaSet", R"({"spec": {"selector": {"name": "health"}, "template": {"spec": {}}}})");
  EXPECT_EQ(bare["spec"]["template"]["metadata"], json::parse(R"({"labels": {"name": "health"}})"));
}

TEST(Shorthand, ConflictingTemplateLabelsAreLeftForValidation) {
  json rs = expanded("ReplicaSet", R"({"spec": {"selector": {"matchLabels": {"app": "a"}},
                                                "template": {"metadata": {"labels": {"app": "b"}}}}})");
  EXPECT_EQ(rs["spec"]["template"]["metadata"]["labels"], json::parse(R"({"app": "b"})"));
}

TEST(Shorthand, NoTemplateIsInvented) {
  json rs = expanded("ReplicaSet", R"({"spec": {"selector": {"name": "health"}}})");
  EXPECT_FALSE(rs["spec"].contains("template"));
}

TEST(Shorthand, OtherKindsAndShapesAreUntouched) {
  const char* service = R"({"spec": {"selector": {"app": "health"}, "ports": [{"port": 2000}]}})";
  EXPECT_EQ(expanded("Service", service), json::parse(service));
  // A Pod's metadata is never read as labels: only the ReplicaSet template shorthand exists.
  const char* pod = R"({"metadata": {"app": "x"}, "spec": {"containers": []}})";
  EXPECT_EQ(expanded("Pod", pod), json::parse(pod));
  for (const char* odd : {"[]", "5", R"({"spec": 5})", R"({"spec": {"template": 1, "selector": []}})",
                          R"({"spec": {"containers": {"a": 1}}})"}) {
    for (const char* name : {"Pod", "ReplicaSet", "Service", "Endpoints"}) {
      EXPECT_NO_THROW(expanded(name, odd)) << name << " " << odd;
    }
  }
}

}  // namespace
}  // namespace orkest::model
