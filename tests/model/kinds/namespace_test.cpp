// Namespaces: Kubernetes' defaults (the finalizer, the name label), validation as Kubernetes
// words it, the columns `kubectl get ns` prints, and which may not be deleted.

#include <gtest/gtest.h>

#include "model/kind_strategy.hpp"
#include "model/namespaces.hpp"
#include "model/timestamp.hpp"
#include "tests/model/kinds/kind_checks.hpp"

namespace orkest::model {
namespace {

using nlohmann::json;
using testing::causes_of;
using testing::defaulted;

json ns(const std::string& name) { return {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}}; }

TEST(Namespace, DefaultsAreTheKubernetesFinalizerAndTheNameLabel) {
  auto object = defaulted("Namespace", ns("team"));
  EXPECT_EQ(object["spec"]["finalizers"], json({"kubernetes"}));
  EXPECT_EQ(object["metadata"]["labels"]["kubernetes.io/metadata.name"], "team");
  EXPECT_EQ(causes_of("Namespace", object), "");
  // A user's own label stays; the name label follows the name.
  auto labelled = ns("team");
  labelled["metadata"]["labels"] = {{"owner", "ops"}, {"kubernetes.io/metadata.name", "other"}};
  labelled = defaulted("Namespace", labelled);
  EXPECT_EQ(labelled["metadata"]["labels"], json({{"owner", "ops"}, {"kubernetes.io/metadata.name", "team"}}));
  // Finalizers already given are kept, even none.
  auto none = ns("team");
  none["spec"]["finalizers"] = json::array();
  EXPECT_EQ(defaulted("Namespace", none)["spec"]["finalizers"], json::array());
  EXPECT_EQ(strategy_for(*find_kind("Namespace")).initial_status(object), json({{"phase", "Active"}}));
  EXPECT_FALSE(find_kind("Namespace")->namespaced);
}

TEST(Namespace, NamesAreDnsLabelsAndFinalizersQualifiedNames) {
  EXPECT_NE(causes_of("Namespace", ns("Team")), "");
  EXPECT_NE(causes_of("Namespace", ns("a.b")), "") << "a label, not a subdomain";
  EXPECT_EQ(causes_of("Namespace", ns(std::string(63, 'a'))), "");
  EXPECT_NE(causes_of("Namespace", ns(std::string(64, 'a'))), "");
  auto bad = ns("team");
  bad["spec"]["finalizers"] = {"kubernetes", "not a name!"};
  EXPECT_EQ(causes_of("Namespace", bad).rfind("spec.finalizers[1]: Invalid value", 0), 0u) << causes_of("Namespace", bad);
  auto phase = ns("team");
  phase["status"]["phase"] = "Gone";
  EXPECT_EQ(causes_of("Namespace", phase),
            "status.phase: Unsupported value: \"Gone\": supported values: \"Active\", \"Terminating\"\n");
}

TEST(Namespace, PrintsNameStatusAndAge) {
  const auto& strategy = strategy_for(*find_kind("Namespace"));
  auto object = defaulted("Namespace", ns("team"));
  object["metadata"]["creationTimestamp"] = "2026-11-30T10:00:00Z";
  object["status"]["phase"] = "Active";
  const auto now = *parse_rfc3339("2026-11-30T10:05:00Z");
  EXPECT_EQ(strategy.table_cells(object, now), json({"team", "Active", "5m"}));
  object["status"]["phase"] = "Terminating";
  EXPECT_EQ(strategy.table_cells(object, now)[1], "Terminating");
  EXPECT_EQ(strategy.table_columns().size(), 3u);
}

TEST(Namespace, DefaultKubeSystemAndKubePublicMayNotBeDeleted) {
  const auto& strategy = strategy_for(*find_kind("Namespace"));
  ASSERT_NE(strategy.deletion_forbidden, nullptr);
  for (const char* name : {"default", "kube-system", "kube-public"})
    EXPECT_STREQ(strategy.deletion_forbidden(ns(name)), "this namespace may not be deleted") << name;
  for (const char* name : {"kube-node-lease", "team"}) EXPECT_EQ(strategy.deletion_forbidden(ns(name)), nullptr) << name;
  EXPECT_TRUE(strategy.finalized_deletion);
  EXPECT_EQ(system_namespaces(), (std::vector<std::string>{"default", "kube-system", "kube-public", "kube-node-lease"}));
}

}  // namespace
}  // namespace orkest::model
