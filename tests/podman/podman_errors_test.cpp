#include "podman/podman_errors.hpp"

#include <gtest/gtest.h>

namespace orkest::podman {
namespace {

TEST(PodmanErrorText, TakesTheLastErrorLineAfterWarnings) {
  std::string stderr_text =
      "time=\"2026-11-22T11:02:05Z\" level=warning msg=\"StopSignal SIGTERM failed\"\n"
      "Error: nothere:latest: image not known\n";
  EXPECT_EQ(podman_error_text(stderr_text), "nothere:latest: image not known");
}

TEST(PodmanErrorText, FallsBackToTheWholeTrimmedText) {
  EXPECT_EQ(podman_error_text("  something odd happened\n"), "something odd happened");
  EXPECT_EQ(podman_error_text(""), "");
}

TEST(IsNoSuchContainer, RecognisesPodman43Messages) {
  EXPECT_TRUE(is_no_such_container("Error: no container with name or ID \"x\" found: no such container\n"));
  EXPECT_TRUE(is_no_such_container("Error: inspecting object: no such container x\n"));
  EXPECT_FALSE(is_no_such_container("Error: nothere:latest: image not known\n"));
}

// podman 4.3.1's words for a fixed address (--ip) it will not give.
TEST(AddressErrors, TellATakenAddressFromARefusedOne) {
  std::string taken =
      "Error: IPAM error: requested ip address 10.89.177.50 is already allocated to container ID 51fb4b93\n";
  std::string outside = "Error: requested static ip 10.214.0.5 not in any subnet on network orkest-net\n";
  EXPECT_TRUE(is_address_in_use(taken));
  EXPECT_FALSE(is_address_rejected(taken));
  EXPECT_TRUE(is_address_rejected(outside));
  EXPECT_FALSE(is_address_in_use(outside));
  EXPECT_FALSE(is_address_in_use("Error: nothere:latest: image not known\n"));
  EXPECT_FALSE(is_address_rejected("Error: nothere:latest: image not known\n"));
}

}  // namespace
}  // namespace orkest::podman
