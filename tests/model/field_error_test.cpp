#include "model/field_error.hpp"

#include <gtest/gtest.h>

namespace orkest::model {
namespace {

namespace fe = field_error;
using nlohmann::json;

TEST(FieldError, MessagesAreKubernetesErrorBodies) {
  auto required = fe::required("spec.containers[0].image");
  EXPECT_EQ(required.reason, "FieldValueRequired");
  EXPECT_EQ(required.message, "Required value");
  EXPECT_EQ(fe::required("metadata.name", "name or generateName is required").message,
            "Required value: name or generateName is required");
  EXPECT_EQ(fe::invalid("spec.replicas", -1, "must be greater than or equal to 0").message,
            "Invalid value: -1: must be greater than or equal to 0");
  EXPECT_EQ(fe::invalid("metadata.name", "Foo", "bad").message, "Invalid value: \"Foo\": bad");
  EXPECT_EQ(fe::not_supported("spec.type", "NodePort", {"ClusterIP"}).message,
            "Unsupported value: \"NodePort\": supported values: \"ClusterIP\"");
  EXPECT_EQ(fe::type_invalid("spec.replicas", "three", "integer").reason, "FieldValueTypeInvalid");
  EXPECT_EQ(fe::type_invalid("spec.replicas", "three", "integer").message,
            "Invalid value: \"three\": must be of type integer");
  EXPECT_EQ(fe::forbidden("spec", "nope").message, "Forbidden: nope");
  EXPECT_EQ(fe::duplicate("spec.ports[1].name", "web").message, "Duplicate value: \"web\"");
  EXPECT_EQ(fe::too_long("metadata.annotations", 262144).message, "Too long: must have at most 262144 bytes");
  EXPECT_EQ(fe::too_many("spec.containers", 2, 1).message, "Too many: 2: must have at most 1 items");
  EXPECT_EQ(fe::too_many("spec.containers", 2, 1).reason, "FieldValueTooMany");
}

TEST(FieldError, InvalidUtf8InAValueNeverThrows) { EXPECT_NO_THROW(fe::invalid("x", json("\xFF"), "bad")); }

TEST(FieldError, PathsReadLikeKubernetes) {
  EXPECT_EQ(fe::child("", "spec"), "spec");
  EXPECT_EQ(fe::child("spec", "replicas"), "spec.replicas");
  EXPECT_EQ(fe::index("spec.containers", 0), "spec.containers[0]");
  EXPECT_EQ(fe::key("metadata.labels", "app"), "metadata.labels[app]");
}

TEST(FieldError, SentencesJoinAsAggregates) {
  EXPECT_EQ(fe::to_string(fe::required("spec.selector")), "spec.selector: Required value");
  EXPECT_EQ(fe::to_string(std::vector<status_cause>{fe::required("a")}), "a: Required value");
  EXPECT_EQ(fe::to_string({fe::required("a"), fe::required("b"), fe::required("a")}),
            "[a: Required value, b: Required value]");
  EXPECT_EQ(fe::to_string(std::vector<status_cause>{}), "");
}

}  // namespace
}  // namespace orkest::model
