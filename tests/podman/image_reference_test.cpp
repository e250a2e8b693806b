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

TEST(ArchiveFile, OnlyTheTwoTarballTransports) {
  EXPECT_EQ(archive_file("docker-archive:/srv/images/base.tar"), "/srv/images/base.tar");
  EXPECT_EQ(archive_file("oci-archive:/srv/base.oci.tar"), "/srv/base.oci.tar");
  EXPECT_FALSE(archive_file("health:latest"));
  EXPECT_FALSE(archive_file("docker-archive:"));
  EXPECT_FALSE(archive_file("docker://docker-archive:/x"));
}

TEST(LoadedImage, WhatPodmanLoadSays) {
  EXPECT_EQ(loaded_image("Loaded image: localhost/health:latest\n"), "localhost/health:latest");
  EXPECT_EQ(loaded_image("Getting image source signatures\nLoaded image(s): sha256:abc123\n"), "sha256:abc123");
  EXPECT_EQ(loaded_image("Loaded image: localhost/a:1, localhost/a:2\n"), "localhost/a:1");
  EXPECT_FALSE(loaded_image("Error: payload does not match\n"));
}

}  // namespace
}  // namespace orkest::podman

