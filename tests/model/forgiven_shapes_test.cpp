// Shapes Kubernetes refuses but whose meaning is plain: each is rewritten with a warning, and
// canonical bodies are left exactly as they are.

#include "model/forgiven_shapes.hpp"

#include <gtest/gtest.h>

namespace orkest::model {
namespace {

using nlohmann::json;

const resource_kind& kind(const char* name) { return *find_kind(name); }

struct forgiven {
  json body;
  std::vector<std::string> warnings;
};

forgiven forgive(const char* kind_name, const char* body, const std::string& url_name = "") {
  forgiven result{json::parse(body), {}};
  result.warnings = forgive_shapes(kind(kind_name), url_name, result.body);
  return result;
}

bool mentions(const std::vector<std::string>& warnings, const std::string& text) {
  for (const auto& warning : warnings)
    if (warning.find(text) != std::string::npos) return true;
  return false;
}

TEST(ForgivenShapes, CanonicalBodiesAreUntouchedAndWarnNothing) {
  const char* canonical[] = {
      R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"x":"y"},"annotations":{"k":"v"}},"spec":{}})",
      R"({"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"r"},"spec":{"template":{"metadata":{"labels":{"a":"b"}}}}})",
      R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"s"}})"};
  const char* kinds[] = {"Pod", "ReplicaSet", "Service"};
  for (int i = 0; i < 3; ++i) {
    auto result = forgive(kinds[i], canonical[i], "a");
    EXPECT_EQ(result.body, json::parse(canonical[i])) << canonical[i];
    EXPECT_TRUE(result.warnings.empty()) << canonical[i];
  }
}

TEST(ForgivenShapes, MissingKindAndApiVersionComeFromTheUrl) {
  auto result = forgive("ReplicaSet", R"({"metadata":{"name":"r"}})");
  EXPECT_EQ(result.body["kind"], "ReplicaSet");
  EXPECT_EQ(result.body["apiVersion"], "apps/v1");
  EXPECT_TRUE(mentions(result.warnings, "no kind: \"ReplicaSet\" was assumed from the URL"));
  EXPECT_TRUE(mentions(result.warnings, "no apiVersion: \"apps/v1\" was assumed from the URL"));

  for (const char* body : {R"({"kind":"","apiVersion":""})", R"({"kind":null,"apiVersion":null})"}) {
    auto empty = forgive("Pod", body);
    EXPECT_EQ(empty.body["kind"], "Pod") << body;
    EXPECT_EQ(empty.body["apiVersion"], "v1") << body;
    EXPECT_EQ(empty.warnings.size(), 2u) << body;
  }
}

TEST(ForgivenShapes, KindInAnotherCaseIsCanonicalised) {
  auto result = forgive("Pod", R"({"apiVersion":"v1","kind":"pod"})");
  EXPECT_EQ(result.body["kind"], "Pod");
  EXPECT_TRUE(mentions(result.warnings, "kind \"pod\" was read as \"Pod\""));
  // A Service posted to the pods collection keeps its own kind and gets its own apiVersion.
  auto service = forgive("Pod", R"({"kind":"SERVICE"})");
  EXPECT_EQ(service.body["kind"], "Service");
  EXPECT_EQ(service.body["apiVersion"], "v1");
  auto replicaset = forgive("Pod", R"({"kind":"replicaset"})");
  EXPECT_EQ(replicaset.body["apiVersion"], "apps/v1");
}

TEST(ForgivenShapes, KindsOrkestDoesNotKnowAndWrongTypesAreLeftForTheStoreToRefuse) {
  for (const char* body : {R"({"kind":"ConfigMap"})", R"({"kind":"Podd"})", R"({"kind":5})", R"({"kind":["Pod"]})"}) {
    auto result = forgive("Pod", body);
    EXPECT_EQ(result.body["kind"], json::parse(body)["kind"]) << body;
  }
  auto scalar = forgive("Pod", "[1]");
  EXPECT_EQ(scalar.body, json::parse("[1]"));
  EXPECT_TRUE(scalar.warnings.empty());
}

TEST(ForgivenShapes, PutWithoutNameTakesTheUrls) {
  auto result = forgive("ReplicaSet", R"({"spec":{"replicas":3}})", "web");
  EXPECT_EQ(result.body["metadata"]["name"], "web");
  EXPECT_TRUE(mentions(result.warnings, "no metadata.name: \"web\" was taken from the URL"));
  // A POST has no name in its URL: nothing is invented.
  auto post = forgive("Pod", R"({"metadata":{}})");
  EXPECT_FALSE(post.body["metadata"].contains("name"));
  // A name that differs from the URL's is the store's 400, not rewritten.
  auto other = forgive("Pod", R"({"metadata":{"name":"other"}})", "web");
  EXPECT_EQ(other.body["metadata"]["name"], "other");
}

TEST(ForgivenShapes, StringKeysOfMetadataThatAreNoObjectMetaFieldsAreLabels) {
  auto result = forgive("Pod", R"({"metadata":{"name":"web","app":"web","tier":"front","count":3}})");
  EXPECT_EQ(result.body["metadata"], json::parse(R"({"name":"web","labels":{"app":"web","tier":"front"},"count":3})"));
  EXPECT_TRUE(mentions(result.warnings, "metadata.app is not an ObjectMeta field: it was read as the label app=web"));
  EXPECT_EQ(result.warnings.size(), 4u);  // kind, apiVersion and the two labels
  // Added to labels already given; a label of the same name with another value wins (and the
  // key stays, for field validation to report).
  auto merged = forgive("Pod", R"({"metadata":{"name":"w","labels":{"a":"1","b":"2"},"b":"3","c":"4"}})");
  EXPECT_EQ(merged.body["metadata"], json::parse(R"({"name":"w","labels":{"a":"1","b":"2","c":"4"},"b":"3"})"));
  // A ReplicaSet's template metadata too, with names beside the labels.
  auto rs = forgive("ReplicaSet", R"({"spec":{"template":{"metadata":{"name":"t","app":"x"}}}})");
  EXPECT_EQ(rs.body["spec"]["template"]["metadata"], json::parse(R"({"name":"t","labels":{"app":"x"}})"));
  EXPECT_TRUE(mentions(rs.warnings, "spec.template.metadata.app"));
  // Labels that are not an object are validation's to refuse.
  auto bad = forgive("Pod", R"({"metadata":{"labels":"x","app":"y"}})");
  EXPECT_EQ(bad.body["metadata"], json::parse(R"({"labels":"x","app":"y"})"));
}

const json stored_replicaset = json::parse(
    R"({"spec":{"replicas":2,"minReadySeconds":5,"selector":{"matchLabels":{"a":"b"}},
        "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}})");

TEST(ForgivenShapes, PartialReplicaSetSpecKeepsTheStoredFields) {
  json body = json::parse(R"({"spec":{"replicas":5}})");
  auto warnings = keep_unsent_spec_fields(kind("ReplicaSet"), stored_replicaset, body);
  json expected = stored_replicaset["spec"];
  expected["replicas"] = 5;
  EXPECT_EQ(body["spec"], expected);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "the body's spec is partial: the stored spec.minReadySeconds, spec.selector, "
                         "spec.template were kept");
}

TEST(ForgivenShapes, FullReplicaSetSpecReplacesAndOtherKindsAreUntouched) {
  json full = json::parse(R"({"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{}}})");
  const json sent = full;
  EXPECT_TRUE(keep_unsent_spec_fields(kind("ReplicaSet"), stored_replicaset, full).empty());
  EXPECT_EQ(full, sent);
  json pod = json::parse(R"({"spec":{"replicas":5}})");
  EXPECT_TRUE(keep_unsent_spec_fields(kind("Pod"), stored_replicaset, pod).empty());
  json no_spec = json::parse(R"({"metadata":{}})");
  EXPECT_TRUE(keep_unsent_spec_fields(kind("ReplicaSet"), stored_replicaset, no_spec).empty());
}

}  // namespace
}  // namespace orkest::model
