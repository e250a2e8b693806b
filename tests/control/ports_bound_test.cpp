// ports_bound: each node's condition on a Service's ports, and the leftovers of deleted nodes.
#include "control/ports_bound.hpp"

#include <gtest/gtest.h>

#include "model/timestamp.hpp"

namespace orkest::control {
namespace {

using nlohmann::json;

TEST(PortsBound, EachNodeWritesItsOwnType) {
  EXPECT_EQ(ports_bound_type("node2"), "node2/PortsBound");
  EXPECT_EQ(ports_bound_type(""), "PortsBound");
}

TEST(PortsBound, TheConditionsSomeNodesWrote) {
  json service = {{"status",
                   {{"conditions",
                     {{{"type", "node1/PortsBound"}, {"status", "True"}},
                      {{"type", "node9/PortsBound"}, {"status", "False"}},
                      {{"type", "PortsBound"}, {"status", "True"}},  // no node: not a node's
                      {{"type", "node9/Other"}, {"status", "True"}},
                      {{"type", "/PortsBound"}, {"status", "True"}}}}}}};
  EXPECT_EQ(ports_bound_types_of(service, {"node9", "node3"}), std::vector<std::string>{"node9/PortsBound"});
  EXPECT_EQ(ports_bound_types_of(service, {"node1", "node9"}),
            (std::vector<std::string>{"node1/PortsBound", "node9/PortsBound"}));
  EXPECT_TRUE(ports_bound_types_of(service, {"node2", ""}).empty());
  EXPECT_TRUE(ports_bound_types_of(json::object(), {"node1"}).empty());
}

// A node deleted while the server was down left its condition: it goes once it is older than
// the grace a starting node needs to register.
TEST(PortsBound, OrphanedConditionsAreThoseOfUnknownNodesPastTheGrace) {
  json service = {{"status",
                   {{"conditions",
                     {{{"type", "node1/PortsBound"}, {"lastTransitionTime", "2026-11-30T10:00:00Z"}},
                      {{"type", "gone/PortsBound"}, {"lastTransitionTime", "2026-11-30T10:00:00Z"}},
                      {{"type", "starting/PortsBound"}, {"lastTransitionTime", "2026-11-30T10:04:30Z"}},
                      {{"type", "undated/PortsBound"}},
                      {{"type", "gone/Other"}, {"lastTransitionTime", "2026-11-30T10:00:00Z"}}}}}}};
  const auto now = *model::parse_rfc3339("2026-11-30T10:05:00Z");
  EXPECT_EQ(orphaned_ports_bound_types(service, {"node1"}, now, std::chrono::seconds(60)),
            (std::vector<std::string>{"gone/PortsBound", "undated/PortsBound"}));
  EXPECT_EQ(orphaned_ports_bound_types(service, {"node1"}, now + std::chrono::minutes(1), std::chrono::seconds(60)),
            (std::vector<std::string>{"gone/PortsBound", "starting/PortsBound", "undated/PortsBound"}));
  EXPECT_TRUE(orphaned_ports_bound_types(service, {"node1", "gone", "starting", "undated"}, now, std::chrono::seconds(60))
                  .empty());
}

}  // namespace
}  // namespace orkest::control
