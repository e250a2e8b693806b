// ConfigMaps and Secrets: keys, base64, size, stringData, types, immutability.

#include <gtest/gtest.h>

#include "model/defaults.hpp"
#include "model/kind_strategy.hpp"
#include "model/validation.hpp"
#include "tests/model/kinds/kind_checks.hpp"

namespace orkest::model {
namespace {

using nlohmann::json;

using testing::causes_of;

json config_map(json data) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "app"}}}, {"data", std::move(data)}};
}

json secret(json fields) {
  json s = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "creds"}}}};
  s.update(fields);
  return s;
}

TEST(ConfigMap, KeysAreFileNamesAndValuesText) {
  EXPECT_EQ(causes_of("ConfigMap", config_map({{"mode", "fast"}, {"app.properties", "a=b"}})), "");
  EXPECT_EQ(causes_of("ConfigMap", config_map({{"a/b", "x"}})),
            "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' "
            "or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
            "'[-._a-zA-Z0-9]+')\n");
  EXPECT_EQ(causes_of("ConfigMap", config_map({{"..x", "x"}})), "data[..x]: Invalid value: \"..x\": must not start with '..'\n");
  EXPECT_EQ(causes_of("ConfigMap", config_map({{"n", 3}})), "data[n]: Invalid value: 3: must be of type string\n");
  auto both = config_map({{"k", "x"}});
  both["binaryData"] = {{"k", "eA=="}};
  EXPECT_EQ(causes_of("ConfigMap", both), "data[k]: Invalid value: \"k\": duplicate of key present in binaryData\n");
  auto binary = config_map(json::object());
  binary["binaryData"] = {{"blob", "not base64"}};
  EXPECT_EQ(causes_of("ConfigMap", binary),
            "binaryData[blob]: Invalid value: \"<value omitted>\": must be base64 (standard alphabet, padded)\n");
  EXPECT_EQ(causes_of("ConfigMap", config_map({{"big", std::string(1024 * 1024 + 1, 'x')}})),
            ": Too long: must have at most 1048576 bytes\n");
}

TEST(ConfigMap, AnImmutableOneKeepsItsData) {
  const auto& strategy = strategy_for(*find_kind("ConfigMap"));
  auto stored = config_map({{"mode", "fast"}});
  stored["immutable"] = true;
  auto changed = stored;
  changed["data"]["mode"] = "slow";
  auto causes = strategy.validate_update(stored, changed);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "data");
  EXPECT_EQ(causes[0].message, "Forbidden: field is immutable when `immutable` is set");
  auto mutable_again = stored;
  mutable_again["immutable"] = false;
  EXPECT_EQ(strategy.validate_update(stored, mutable_again).size(), 1u);
  auto labelled = stored;
  labelled["metadata"]["labels"] = {{"a", "b"}};
  EXPECT_TRUE(strategy.validate_update(stored, labelled).empty()) << "metadata may change";
  stored.erase("immutable");
  EXPECT_TRUE(strategy.validate_update(stored, changed).empty()) << "a mutable one changes";
}

TEST(Secret, StringDataIsStoredAsBase64DataAndTheTypeDefaultsToOpaque) {
  json object = secret({{"data", {{"user", "YWRtaW4="}, {"password", "b2xk"}}}, {"stringData", {{"password", "s3cr3t!"}}}});
  apply_defaults(*find_kind("Secret"), object);
  EXPECT_EQ(object["data"], json({{"user", "YWRtaW4="}, {"password", "czNjcjN0IQ=="}})) << "stringData wins";
  EXPECT_FALSE(object.contains("stringData"));
  EXPECT_EQ(object["type"], "Opaque");
  EXPECT_EQ(causes_of("Secret", object), "");
}

TEST(Secret, DataIsBase64AndBuiltInTypesNeedTheirKeys) {
  EXPECT_EQ(causes_of("Secret", secret({{"data", {{"k", "plain text"}}}})),
            "data[k]: Invalid value: \"<value omitted>\": must be base64 (standard alphabet, padded)\n");
  EXPECT_EQ(causes_of("Secret", secret({{"type", "kubernetes.io/tls"}, {"data", {{"tls.crt", "eA=="}}}})),
            "data[tls.key]: Required value\n");
  EXPECT_EQ(causes_of("Secret", secret({{"type", "kubernetes.io/service-account-token"}})),
            "type: Forbidden: orkest issues no service account tokens\n");
  EXPECT_EQ(causes_of("Secret", secret({{"type", "example.com/custom"}})), "") << "custom types are free";
}

TEST(Secret, ItsTypeNeverChanges) {
  const auto& strategy = strategy_for(*find_kind("Secret"));
  auto stored = secret({{"type", "Opaque"}});
  auto changed = secret({{"type", "kubernetes.io/basic-auth"}});
  auto causes = strategy.validate_update(stored, changed);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "type");
}

}  // namespace
}  // namespace orkest::model
