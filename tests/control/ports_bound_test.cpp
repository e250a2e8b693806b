// ports_bound: each node's condition on a Service's ports, and the leftovers of deleted nodes.
#include "control/ports_bound.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace orkest::control
