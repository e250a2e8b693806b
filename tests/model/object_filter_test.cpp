// The filter of a list or a watch: label and field selectors together, with Kubernetes' 400s.

#include "model/object_filter.hpp"

#include <gtest/gtest.h>

namespace orkest::model {
namespace {

using nlohmann::json;

const json web = {{"metadata", {{"name", "web"}, {"namespace", "default"}, {"labels", {{"app", "web"}}}}},
                  {"status", {{"phase", "Running"}}}};
const json db = {{"metadata", {{"name", "db"}, {"namespace", "default"}, {"labels", {{"app", "db"}}}}},
                 {"status", {{"phase", "Pending"}}}};

object_filter parsed(const std::string& labels, const std::string& fields) {
  auto filter = object_filter::parse(labels, fields);
  EXPECT_TRUE(std::holds_alternative<object_filter>(filter)) << labels << " / " << fields;
  return std::get<object_filter>(std::move(filter));
}

TEST(ObjectFilter, BothSelectorsMustMatch) {
  struct row {
    const char* labels;
    const char* fields;
    bool web, db;
  };
  for (const auto& r : std::vector<row>{{"", "", true, true},
                                        {"app=web", "", true, false},
                                        {"", "status.phase!=Running", false, true},
                                        {"app in (web,db)", "metadata.name=db", false, true},
                                        {"app=web", "metadata.name=db", false, false}}) {
    auto filter = parsed(r.labels, r.fields);
    EXPECT_EQ(filter.matches(web), r.web) << r.labels << " / " << r.fields;
    EXPECT_EQ(filter.matches(db), r.db) << r.labels << " / " << r.fields;
  }
}

TEST(ObjectFilter, ASelectorThatDoesNotParseIsA400NamingIt) {
  auto labels = object_filter::parse("app in (", "");
  ASSERT_TRUE(std::holds_alternative<api_error>(labels));
  EXPECT_EQ(std::get<api_error>(labels).code, 400);
  EXPECT_NE(std::get<api_error>(labels).message.find("unable to parse labelSelector"), std::string::npos);
  auto fields = object_filter::parse("", "metadata.name");
  ASSERT_TRUE(std::holds_alternative<api_error>(fields));
  EXPECT_NE(std::get<api_error>(fields).message.find("unable to parse fieldSelector"), std::string::npos);
}

}  // namespace
}  // namespace orkest::model
