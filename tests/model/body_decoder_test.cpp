#include "model/body_decoder.hpp"

#include <gtest/gtest.h>

#include "tests/model/user_examples.hpp"

namespace orkest::model {
namespace {

using nlohmann::json;

json decoded_json(std::string_view body, std::string_view content_type = "application/json") {
  auto result = decode_body(body, content_type);
  if (auto* error = std::get_if<api_error>(&result)) {
    ADD_FAILURE() << "unexpected error: " << error->message;
    return nullptr;
  }
  return std::get<json>(result);
}

api_error decode_error(std::string_view body, std::string_view content_type = "application/json") {
  auto result = decode_body(body, content_type);
  if (auto* error = std::get_if<api_error>(&result)) return *error;
  ADD_FAILURE() << "expected an error, got " << std::get<json>(result).dump();
  return {};
}

TEST(BodyDecoder, AcceptsTheUsersTrailingComma) {
  json body = decoded_json(testing::user_examples::replicaset);
  EXPECT_EQ(body["spec"]["template"]["spec"]["containers"][0]["image"], "health:latest");
  EXPECT_EQ(body["spec"]["replicas"], 3);
}

TEST(BodyDecoder, StripTrailingCommasRemovesOnlyCommasBeforeClosers) {
  EXPECT_EQ(strip_trailing_commas(R"([1, 2,])"), R"([1, 2])");
  EXPECT_EQ(strip_trailing_commas("{\"a\": 1 ,\n  }"), "{\"a\": 1 \n  }");
  EXPECT_EQ(strip_trailing_commas(R"({"a": [1,], "b": {"c": 2,},})"), R"({"a": [1], "b": {"c": 2}})");
  EXPECT_EQ(strip_trailing_commas(R"({"a": 1, "b": 2})"), R"({"a": 1, "b": 2})");
}

TEST(BodyDecoder, StripTrailingCommasLeavesStringsAlone) {
  EXPECT_EQ(strip_trailing_commas(R"({"a": ",}", "b": ",]"})"), R"({"a": ",}", "b": ",]"})");
  // An escaped quote does not end the string.
  EXPECT_EQ(strip_trailing_commas(R"({"a": "x\",}"})"), R"({"a": "x\",}"})");
  EXPECT_EQ(strip_trailing_commas(R"({"a": "x\\",})"), R"({"a": "x\\"})");
}

TEST(BodyDecoder, JsonErrorsNameLineAndColumn) {
  auto error = decode_error("{\n  \"a\": [1,\n  2 3]}");
  EXPECT_EQ(error.code, 400);
  EXPECT_EQ(error.reason, "BadRequest");
  EXPECT_EQ(error.message, "invalid JSON at line 3, column 5: unexpected number literal; expected ']'");
}

TEST(BodyDecoder, JsonErrorPositionsCountTheBodyAsSentEvenAfterATrailingComma) {
  auto error = decode_error("{\"a\": [1,],\n \"b\" 2}");
  EXPECT_EQ(error.message, "invalid JSON at line 2, column 6: unexpected number literal; expected ':'");
}

TEST(BodyDecoder, JsonErrorAtEndOfInput) {
  // The column just past the last character: where the missing '}' belongs.
  EXPECT_EQ(decode_error("{\"a\": 1").message,
            "invalid JSON at line 1, column 8: unexpected end of input; expected '}'");
}

TEST(BodyDecoder, ContentTypeParametersAndCaseAreIgnored) {
  EXPECT_EQ(decoded_json(R"({"a": 1})", "application/json; charset=utf-8")["a"], 1);
  EXPECT_EQ(decoded_json(R"({"a": 1})", "Application/JSON")["a"], 1);
  EXPECT_EQ(decoded_json(R"({"a": 1})", "")["a"], 1);
  EXPECT_EQ(decoded_json(R"({"a": 1})", "*/*")["a"], 1);
  EXPECT_EQ(decoded_json(R"({"a": 1})", "application/merge-patch+json")["a"], 1);
  EXPECT_EQ(decoded_json(R"({"a": 1})", "application/strategic-merge-patch+json")["a"], 1);
  EXPECT_EQ(decoded_json("a: 1", "application/yaml; charset=utf-8")["a"], 1);
  EXPECT_EQ(decoded_json("a: 1", "application/apply-patch+yaml")["a"], 1);
}

TEST(BodyDecoder, JsonPatchArraysAreAccepted) {
  json patch =
      decoded_json(R"([{"op": "replace", "path": "/spec/replicas", "value": 5}])", "application/json-patch+json");
  ASSERT_TRUE(patch.is_array());
  EXPECT_EQ(patch[0]["value"], 5);
}

TEST(BodyDecoder, UnknownMediaTypesAre415) {
  auto error = decode_error("{}", "text/plain");
  EXPECT_EQ(error.code, 415);
  EXPECT_EQ(error.reason, "UnsupportedMediaType");
  EXPECT_EQ(decode_error("{}", "application/xml").code, 415);
}

TEST(BodyDecoder, EmptyBodiesAreRejected) {
  for (const char* body : {"", "   ", "\n\t \r\n"}) {
    auto error = decode_error(body);
    EXPECT_EQ(error.code, 400);
    EXPECT_EQ(error.message, "request body is empty");
  }
  EXPECT_EQ(decode_error("# only a comment\n", "application/yaml").message, "request body is empty");
}

TEST(BodyDecoder, ScalarsAreNotResources) {
  EXPECT_EQ(decode_error("42").message, "request body must be an object or an array, got number");
  EXPECT_EQ(decode_error("\"x\"").message, "request body must be an object or an array, got string");
  EXPECT_EQ(decode_error("just text", "application/yaml").message,
            "request body must be an object or an array, got string");
}

TEST(BodyDecoder, ValidUtf8PassesThrough) {
  EXPECT_EQ(decoded_json("{\"a\": \"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x9A\x80\"}")["a"],
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x9A\x80");
}

TEST(BodyDecoder, InvalidUtf8IsRejectedWithItsPosition) {
  auto error = decode_error("{\n \"a\": \"\xC0\xAF\"}");  // overlong '/'
  EXPECT_EQ(error.code, 400);
  EXPECT_EQ(error.message, "request body is not valid UTF-8: invalid byte sequence at line 2, column 8");
  for (const char* body : {"{\"a\": \"\xED\xA0\x80\"}",      // UTF-16 surrogate
                           "{\"a\": \"\xF4\x90\x80\x80\"}",  // above U+10FFFF
                           "{\"a\": \"\xE2\x82\"}",          // truncated sequence
                           "{\"a\": \"\xFF\"}", "{\"a\": \"\x80\"}"}) {
    EXPECT_NE(decode_error(body).message.find("not valid UTF-8"), std::string::npos) << body;
  }
  EXPECT_NE(decode_error("a: \"\xFF\"", "application/yaml").message.find("not valid UTF-8"), std::string::npos);
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(BodyDecoder, NestingUpToTheLimitIsAccepted) {
  EXPECT_TRUE(decoded_json(nested_arrays(max_nesting_depth)).is_array());
}

TEST(BodyDecoder, DeeperNestingIsRejectedBeforeParsing) {
  auto error = decode_error(nested_arrays(max_nesting_depth + 1));
  EXPECT_EQ(error.code, 400);
  EXPECT_EQ(error.message, "request body is nested too deeply (more than 64 levels) at line 1, column 65");
  // A million brackets would exhaust a recursive parser's stack; the scan stops them first.
  EXPECT_EQ(decode_error(std::string(1000000, '[')).code, 400);
}

TEST(BodyDecoder, BracketsInsideStringsDoNotCountAsNesting) {
  const std::string body = "{\"a\": \"" + std::string(200, '[') + "\"}";
  EXPECT_EQ(decoded_json(body)["a"], std::string(200, '['));
}

TEST(BodyDecoder, YamlManifestBecomesTheSameJson) {
  const char* manifest = R"(apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: health-replicaset
  labels: {tier: "backend"}
spec:
  replicas: 3
  selector:
    matchLabels:
      name: health
  template:
    metadata:
      labels:
        app: health
    spec:
      containers:
        - name: health
          image: health:latest
          ports:
            - containerPort: 5000
)";
  EXPECT_EQ(decoded_json(manifest, "application/yaml"), json::parse(R"({
    "apiVersion": "apps/v1", "kind": "ReplicaSet",
    "metadata": {"name": "health-replicaset", "labels": {"tier": "backend"}},
    "spec": {"replicas": 3, "selector": {"matchLabels": {"name": "health"}},
             "template": {"metadata": {"labels": {"app": "health"}},
                          "spec": {"containers": [{"name": "health", "image": "health:latest",
                                                   "ports": [{"containerPort": 5000}]}]}}}})"));
}

TEST(BodyDecoder, YamlScalarsAreTypedUnlessQuoted) {
  json body = decoded_json(R"(
int: 42
negative: -7
hex: 0x1F
octal: 0o17
float: 1.5
exponent: 1e3
yes_true: true
capital_false: False
tilde: ~
null_word: null
empty:
quoted_int: "42"
single_quoted_bool: 'true'
quoted_null: "null"
word: yes
version: 1.2.3
block: |
  line one
  line two
explicit_string: !!str 5
explicit_int: !!int "7"
)",
                           "application/yaml");
  EXPECT_EQ(body["int"], 42);
  EXPECT_EQ(body["negative"], -7);
  EXPECT_EQ(body["hex"], 31);
  EXPECT_EQ(body["octal"], 15);
  EXPECT_EQ(body["float"], 1.5);
  EXPECT_EQ(body["exponent"], 1000.0);
  EXPECT_EQ(body["yes_true"], true);
  EXPECT_EQ(body["capital_false"], false);
  EXPECT_TRUE(body["tilde"].is_null());
  EXPECT_TRUE(body["null_word"].is_null());
  EXPECT_TRUE(body["empty"].is_null());
  EXPECT_EQ(body["quoted_int"], "42");
  EXPECT_EQ(body["single_quoted_bool"], "true");
  EXPECT_EQ(body["quoted_null"], "null");
  EXPECT_EQ(body["word"], "yes");  // YAML 1.2: only true/false are booleans
  EXPECT_EQ(body["version"], "1.2.3");
  EXPECT_EQ(body["block"], "line one\nline two\n");
  EXPECT_EQ(body["explicit_string"], "5");
  EXPECT_EQ(body["explicit_int"], 7);
}

TEST(BodyDecoder, YamlNumbersBeyondTheirTypeStayExact) {
  json body = decoded_json("big: 18446744073709551615\nhuge: 1e999\n", "application/yaml");
  EXPECT_EQ(body["big"].get<std::uint64_t>(), 18446744073709551615ull);
  EXPECT_EQ(body["huge"], "1e999");  // JSON has no infinity
}

TEST(BodyDecoder, YamlAnchorsAndAliasesAreExpanded) {
  json body = decoded_json("base: &labels {app: web}\ncopy: *labels\n", "application/yaml");
  EXPECT_EQ(body["copy"], json::parse(R"({"app": "web"})"));
}

TEST(BodyDecoder, YamlErrorsNameLineAndColumn) {
  auto error = decode_error("a: 1\nb: [1, 2\nc: 3\n", "application/yaml");
  EXPECT_EQ(error.code, 400);
  EXPECT_EQ(error.message.rfind("invalid YAML at line ", 0), 0u) << error.message;
  EXPECT_NE(error.message.find("flow"), std::string::npos) << error.message;

  auto bad_anchor = decode_error("a: *nowhere\n", "application/yaml");
  EXPECT_EQ(bad_anchor.message, "invalid YAML at line 1, column 4: the referenced anchor is not defined");
}

TEST(BodyDecoder, YamlDuplicateKeysAreRejected) {
  auto error = decode_error("metadata:\n  name: a\n  name: b\n", "application/yaml");
  EXPECT_EQ(error.message, "invalid YAML at line 3, column 3: duplicate key \"name\"");
}

TEST(BodyDecoder, YamlMustHoldOneDocument) {
  auto error = decode_error("a: 1\n---\nb: 2\n", "application/yaml");
  EXPECT_EQ(error.message, "request body must hold one YAML document, found 2");
  EXPECT_EQ(decoded_json("---\na: 1\n", "application/yaml")["a"], 1);
}

TEST(BodyDecoder, YamlNestingIsLimitedToo) {
  EXPECT_TRUE(decoded_json(nested_arrays(max_nesting_depth), "application/yaml").is_array());
  auto error = decode_error(nested_arrays(max_nesting_depth + 1), "application/yaml");
  EXPECT_EQ(error.code, 400);
  EXPECT_NE(error.message.find("nested too deeply (more than 64 levels)"), std::string::npos) << error.message;
  EXPECT_EQ(decode_error(std::string(100000, '['), "application/yaml").code, 400);
}

TEST(BodyDecoder, YamlAliasBombsAreStopped) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'j'; ++level) {
    const char previous = static_cast<char>(level - 1);
    bomb += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + previous;
    bomb += "]\n";
  }
  auto error = decode_error(bomb, "application/yaml");
  EXPECT_EQ(error.code, 400);
  EXPECT_NE(error.message.find("aliases expand to more than"), std::string::npos) << error.message;
}

// Found by the fuzzer: nlohmann throws out_of_range, not parse_error, for these.
TEST(BodyDecoder, JsonNumbersBeyondDoubleAreRejected) {
  auto error = decode_error(R"({"spec": {"replicas": 1e999}})");
  EXPECT_EQ(error.code, 400);
  EXPECT_EQ(error.message, "invalid JSON: number overflow parsing '1e999'");
  auto long_number = decode_error("{\"a\": " + std::string(400, '4') + "e99999}");
  EXPECT_EQ(long_number.code, 400);
  EXPECT_LE(long_number.message.size(), 140u);
}

// Found by the fuzzer: NUL bytes made yaml-cpp guess UTF-16 and produce invalid UTF-8.
TEST(BodyDecoder, YamlControlCharactersAreRejected) {
  auto error = decode_error(std::string("metadata:\n  na\0me: x\n", 20), "application/yaml");
  EXPECT_EQ(error.message, "invalid YAML at line 2, column 5: control character 0x00 is not allowed");
  EXPECT_EQ(decode_error("a: \x1b[31m\n", "application/yaml").code, 400);
  EXPECT_EQ(decoded_json("a:\tb\r\nc: d\n", "application/yaml")["c"], "d");
}

// yaml-cpp 0.7 loops forever on these (found by the fuzzer); they must be a 400 at once.
TEST(BodyDecoder, YamlThatStallsTheParserIsRejected) {
  for (const char* body : {",", " ,\n", "apiVersion: v1\nkind: Pod\n,\n"}) {
    auto error = decode_error(body, "application/yaml");
    EXPECT_EQ(error.code, 400) << body;
    EXPECT_EQ(error.message.rfind("invalid YAML", 0), 0u) << error.message;
  }
}

}  // namespace
}  // namespace orkest::model
