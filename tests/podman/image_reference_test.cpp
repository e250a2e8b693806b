#include "podman/image_reference.hpp"

#include <gtest/gtest.h>

namespace orkest::podman {
namespace {

TEST(LocalhostImage, ShortNamesAndLocalhostNamesAreLocal) {
  EXPECT_EQ(localhost_image("health:latest"), "localhost/health:latest");
  EXPECT_EQ(localhost_image("health"), "localhost/health:latest");
  EXPECT_EQ(localhost_image("team/health:v1"), "localhost/team/health:v1");
  EXPECT_EQ(localhost_image("localhost/health"), "localhost/health:latest");
  EXPECT_EQ(localhost_image("localhost/health:v2"), "localhost/health:v2");
}

TEST(LocalhostImage, RegistriesAndDigestsAreNot) {
  EXPECT_EQ(localhost_image("docker.io/library/busybox:latest"), std::nullopt);
  EXPECT_EQ(localhost_image("localhost:5000/health:latest"), std::nullopt);
  EXPECT_EQ(localhost_image("health@sha256:0123"), std::nullopt);
  EXPECT_EQ(localhost_image(""), std::nullopt);
}

}  // namespace
}  // namespace orkest::podman
