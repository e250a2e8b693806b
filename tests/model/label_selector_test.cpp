#include "model/label_selector.hpp"

#include <gtest/gtest.h>

namespace orkest::model {
namespace {

using nlohmann::json;
using op = label_requirement::op;

label_selector parsed(std::string_view text) {
  auto result = label_selector::parse(text);
  if (auto* error = std::get_if<std::string>(&result)) {
    ADD_FAILURE() << "unexpected error for \"" << text << "\": " << *error;
    return {};
  }
  return std::get<label_selector>(result);
}

std::string parse_error(std::string_view text) {
  auto result = label_selector::parse(text);
  if (auto* error = std::get_if<std::string>(&result)) return *error;
  ADD_FAILURE() << "\"" << text << "\" parsed as " << std::get<label_selector>(result).to_string();
  return {};
}

label_selector from_json(const char* selector) {
  auto result = label_selector::from_json(json::parse(selector));
  if (auto* error = std::get_if<std::string>(&result)) {
    ADD_FAILURE() << "unexpected error for " << selector << ": " << *error;
    return {};
  }
  return std::get<label_selector>(result);
}

std::string from_json_error(const json& selector) {
  auto result = label_selector::from_json(selector);
  if (auto* error = std::get_if<std::string>(&result)) return *error;
  ADD_FAILURE() << selector.dump() << " was accepted";
  return {};
}

const labels web_prod = {{"app", "web"}, {"env", "prod"}};
const labels db = {{"app", "db"}};
const labels unlabelled = {};

TEST(LabelSelector, EqualityMatchesOnlyThatValue) {
  for (const char* text : {"app=web", "app==web", "  app =  web  "}) {
    auto selector = parsed(text);
    EXPECT_TRUE(selector.matches(web_prod)) << text;
    EXPECT_FALSE(selector.matches(db)) << text;
    EXPECT_FALSE(selector.matches(unlabelled)) << text;
  }
}

TEST(LabelSelector, InequalityMatchesObjectsWithoutTheKeyAsKubernetesDoes) {
  auto selector = parsed("app!=web");
  EXPECT_FALSE(selector.matches(web_prod));
  EXPECT_TRUE(selector.matches(db));
  EXPECT_TRUE(selector.matches(unlabelled));
}

TEST(LabelSelector, SetMembership) {
  auto in = parsed("app in (web, db)");
  EXPECT_TRUE(in.matches(web_prod));
  EXPECT_TRUE(in.matches(db));
  EXPECT_FALSE(in.matches(unlabelled));
  EXPECT_FALSE(in.matches({{"app", "cache"}}));

  auto not_in = parsed("app notin (web,db)");
  EXPECT_FALSE(not_in.matches(web_prod));
  EXPECT_FALSE(not_in.matches(db));
  EXPECT_TRUE(not_in.matches(unlabelled));
  EXPECT_TRUE(not_in.matches({{"app", "cache"}}));
}

TEST(LabelSelector, ExistenceAndAbsence) {
  auto exists = parsed("env");
  EXPECT_TRUE(exists.matches(web_prod));
  EXPECT_FALSE(exists.matches(db));
  auto absent = parsed("!env");
  EXPECT_FALSE(absent.matches(web_prod));
  EXPECT_TRUE(absent.matches(db));
  EXPECT_TRUE(parsed(" ! env ").matches(db));
}

TEST(LabelSelector, AllRequirementsMustHold) {
  auto selector = parsed("app=web,tier!=db,env in (prod,staging),!legacy,env");
  EXPECT_TRUE(selector.matches(web_prod));
  EXPECT_FALSE(selector.matches({{"app", "web"}, {"env", "dev"}}));
  EXPECT_FALSE(selector.matches({{"app", "web"}, {"env", "prod"}, {"legacy", "yes"}}));
}

TEST(LabelSelector, EmptySelectorMatchesEverything) {
  for (const char* text : {"", "   "}) {
    auto selector = parsed(text);
    EXPECT_TRUE(selector.empty());
    EXPECT_TRUE(selector.matches(unlabelled));
    EXPECT_TRUE(selector.matches(web_prod));
  }
  EXPECT_TRUE(label_selector().matches(web_prod));
}

TEST(LabelSelector, CompilesToSortedRequirements) {
  auto selector = parsed("zone=a, app in (web,db), !legacy");
  ASSERT_EQ(selector.requirements().size(), 3u);
  EXPECT_EQ(selector.requirements()[0].key, "app");
  EXPECT_EQ(selector.requirements()[0].operation, op::in);
  EXPECT_EQ(selector.requirements()[0].values, (std::vector<std::string>{"db", "web"}));
  EXPECT_EQ(selector.requirements()[1].key, "legacy");
  EXPECT_EQ(selector.requirements()[1].operation, op::does_not_exist);
  EXPECT_EQ(selector.requirements()[2].operation, op::equals);
}

TEST(LabelSelector, ToStringIsCanonical) {
  EXPECT_EQ(parsed(" tier != db , app==web,env in ( b , a ),!legacy, gpu,x notin (q)").to_string(),
            "app=web,env in (a,b),gpu,!legacy,tier!=db,x notin (q)");
  EXPECT_EQ(label_selector().to_string(), "");
}

TEST(LabelSelector, KeywordsAreValuesInValuePosition) {
  auto selector = parsed("in in (in,notin)");
  EXPECT_TRUE(selector.matches({{"in", "notin"}}));
  EXPECT_TRUE(parsed("mode=in").matches({{"mode", "in"}}));
}

TEST(LabelSelector, EmptyValuesAreKubernetesEmptyStrings) {
  EXPECT_TRUE(parsed("app=").matches({{"app", ""}}));
  EXPECT_FALSE(parsed("app=,env").matches({{"app", "web"}, {"env", "x"}}));
  EXPECT_EQ(parsed("app in ()").requirements()[0].values, std::vector<std::string>{""});
  EXPECT_EQ(parsed("app in (,a)").requirements()[0].values, (std::vector<std::string>{"", "a"}));
}

TEST(LabelSelector, QualifiedKeysAreAccepted) {
  EXPECT_TRUE(parsed("app.kubernetes.io/name=web").matches({{"app.kubernetes.io/name", "web"}}));
}

TEST(LabelSelector, ParseErrorsNameTheOffendingPart) {
  EXPECT_EQ(parse_error("a b"), "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=");
  EXPECT_EQ(parse_error("a>3"), "unable to parse requirement: found '>', expected: in, notin, =, ==, !=");
  EXPECT_EQ(parse_error("a,"), "found '', expected: identifier after ','");
  EXPECT_EQ(parse_error("a=b c"), "found 'c', expected: ',' or 'end of string'");
  EXPECT_EQ(parse_error("!a=b"), "found '=', expected: ',' or 'end of string'");
  EXPECT_EQ(parse_error(",a"), "found ',', expected: !, identifier, or 'end of string'");
  EXPECT_EQ(parse_error("=a"), "found '=', expected: !, identifier, or 'end of string'");
  EXPECT_EQ(parse_error("!"), "unable to parse requirement: found '', expected: identifier");
  EXPECT_EQ(parse_error("a in b"), "unable to parse requirement: found 'b' expected: '('");
  EXPECT_EQ(parse_error("a in (b"), "unable to parse requirement: found '', expected: ',' or ')'");
  EXPECT_EQ(parse_error("a in (b c)"), "unable to parse requirement: found 'c', expected: ',' or ')'");
  EXPECT_EQ(parse_error("a in (="), "unable to parse requirement: found '=', expected: ',', ')' or identifier");
  EXPECT_EQ(parse_error("a=(b)"), "unable to parse requirement: found '(', expected: identifier");
}

TEST(LabelSelector, ParseRejectsMalformedKeysAndValues) {
  EXPECT_EQ(parse_error("-a=b"),
            "unable to parse requirement: key: Invalid value: \"-a\": name part must consist of alphanumeric "
            "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  "
            "or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
  EXPECT_EQ(parse_error("a=b/c"),
            "unable to parse requirement: values[0]: Invalid value: \"b/c\": a valid label must be an empty string "
            "or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
            "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
            "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
  EXPECT_NE(parse_error("a/b/c").find("a qualified name must consist of"), std::string::npos);
  EXPECT_NE(parse_error("a=" + std::string(64, 'x')).find("must be no more than 63 characters"), std::string::npos);
}

TEST(LabelSelector, FromJsonMatchLabels) {
  auto selector = from_json(R"({"matchLabels": {"app": "web", "env": "prod"}})");
  EXPECT_TRUE(selector.matches(web_prod));
  EXPECT_FALSE(selector.matches({{"app", "web"}}));
  EXPECT_EQ(selector.to_string(), "app=web,env=prod");
}

TEST(LabelSelector, FromJsonMatchExpressionsEveryOperator) {
  auto selector = from_json(R"({"matchExpressions": [
      {"key": "app", "operator": "In", "values": ["web", "db"]},
      {"key": "tier", "operator": "NotIn", "values": ["cache"]},
      {"key": "env", "operator": "Exists"},
      {"key": "legacy", "operator": "DoesNotExist"}]})");
  EXPECT_EQ(selector.to_string(), "app in (db,web),env,!legacy,tier notin (cache)");
  EXPECT_TRUE(selector.matches(web_prod));
  EXPECT_FALSE(selector.matches(db));                                                 // no env
  EXPECT_FALSE(selector.matches({{"app", "web"}, {"env", "x"}, {"tier", "cache"}}));  // NotIn
  EXPECT_FALSE(selector.matches({{"app", "web"}, {"env", "x"}, {"legacy", ""}}));     // DoesNotExist
}

TEST(LabelSelector, FromJsonCombinesLabelsAndExpressions) {
  auto selector = from_json(R"({"matchLabels": {"app": "web"},
                                "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod"]}]})");
  EXPECT_TRUE(selector.matches(web_prod));
  EXPECT_FALSE(selector.matches({{"app", "web"}, {"env", "dev"}}));
}

TEST(LabelSelector, FromJsonEmptyObjectMatchesEverything) {
  auto selector = from_json("{}");
  EXPECT_TRUE(selector.empty());
  EXPECT_TRUE(selector.matches(unlabelled));
  EXPECT_TRUE(from_json(R"({"matchLabels": {}, "matchExpressions": []})").empty());
}

TEST(LabelSelector, FromJsonErrorsNameTheField) {
  EXPECT_EQ(from_json_error(json::parse(R"({"matchExpressions": [{"key": "a", "operator": "Foo"}]})")),
            "matchExpressions[0].operator: Unsupported value: \"Foo\": supported values: \"DoesNotExist\", "
            "\"Exists\", \"In\", \"NotIn\"");
  EXPECT_EQ(from_json_error(json::parse(R"({"matchExpressions": [{"key": "a", "operator": "In"}]})")),
            "matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
  EXPECT_EQ(from_json_error(json::parse(R"({"matchExpressions": [{"key": "a", "operator": "Exists",
                                                                  "values": ["x"]}]})")),
            "matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or "
            "'DoesNotExist'");
  EXPECT_EQ(from_json_error(json::parse(R"({"matchExpressions": [{"key": "a"}]})")),
            "matchExpressions[0].operator: Required value");
  EXPECT_EQ(from_json_error(json::parse(R"({"matchLabels": {"app": 5}})")),
            "matchLabels[app]: Invalid value: 5: must be of type string");
  EXPECT_EQ(from_json_error(json::parse(R"({"matchLabels": ["app"]})")),
            "matchLabels: Invalid value: [\"app\"]: must be of type object");
  EXPECT_EQ(from_json_error(json::parse(R"({"matchExpressions": {"key": "a"}})")),
            "matchExpressions: Invalid value: {\"key\":\"a\"}: must be of type array");
  EXPECT_EQ(from_json_error(json::parse(R"({"name": "health"})")),
            "name: Invalid value: \"health\": unknown field: a label selector has only matchLabels and "
            "matchExpressions");
  EXPECT_EQ(from_json_error("app=web"), "Invalid value: \"app=web\": must be of type object");
  EXPECT_NE(from_json_error(json::parse(R"({"matchLabels": {"-bad": "x"}})"))
                .find("matchLabels: Invalid value: "
                      "\"-bad\": name part must"),
            std::string::npos);
}

TEST(LabelSelector, SeveralFromJsonErrorsAreBracketed) {
  auto error = from_json_error(json::parse(R"({"matchExpressions": [{"key": "a", "operator": "Foo"},
                                                                    {"key": "b", "operator": "In"}]})"));
  EXPECT_EQ(error.front(), '[');
  EXPECT_NE(error.find("matchExpressions[1].values: Required value"), std::string::npos) << error;
}

TEST(LabelSelector, FromMapRequiresEveryPair) {
  auto selector = label_selector::from_map({{"app", "web"}, {"env", "prod"}});
  EXPECT_TRUE(selector.matches(web_prod));
  EXPECT_TRUE(selector.matches({{"app", "web"}, {"env", "prod"}, {"extra", "x"}}));
  EXPECT_FALSE(selector.matches({{"app", "web"}}));
  EXPECT_EQ(selector.to_string(), "app=web,env=prod");
}

TEST(LabelSelector, LabelsOfReadsMetadataLabelsForgivingly) {
  EXPECT_EQ(labels_of(json::parse(R"({"metadata": {"labels": {"app": "web", "bad": 5}}})")), (labels{{"app", "web"}}));
  EXPECT_TRUE(labels_of(json::parse(R"({"metadata": {"name": "x"}})")).empty());
  EXPECT_TRUE(labels_of(json::parse(R"({"metadata": {"labels": ["app"]}})")).empty());
  EXPECT_TRUE(labels_of(json::parse(R"({"metadata": "x"})")).empty());
  EXPECT_TRUE(labels_of(json::parse("[1]")).empty());
}

TEST(LabelSelector, LabelErrorsFollowKubernetesPaths) {
  auto causes = label_errors(json::parse(R"({"app": "web", "tier": "a b", "n": 1})"), "metadata.labels");
  ASSERT_EQ(causes.size(), 2u);
  EXPECT_EQ(causes[0].field, "metadata.labels[n]");
  EXPECT_EQ(causes[0].reason, "FieldValueTypeInvalid");
  EXPECT_EQ(causes[1].field, "metadata.labels");
  EXPECT_EQ(causes[1].reason, "FieldValueInvalid");
  EXPECT_EQ(causes[1].message.rfind("Invalid value: \"a b\": a valid label must be", 0), 0u);
  EXPECT_TRUE(label_errors(nullptr, "metadata.labels").empty());
}

TEST(LabelSelector, SelectorErrorsArePrefixedWithThePath) {
  auto causes =
      selector_errors(json::parse(R"({"matchExpressions": [{"key": "a", "operator": "Foo"}]})"), "spec.selector");
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec.selector.matchExpressions[0].operator");
  EXPECT_EQ(causes[0].reason, "FieldValueNotSupported");
}

}  // namespace
}  // namespace orkest::model
