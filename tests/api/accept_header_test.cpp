#include "api/accept_header.hpp"

#include <gtest/gtest.h>

namespace orkest::api {
namespace {

TEST(AcceptHeader, ProtobufOnlyIsRefused) {
  EXPECT_TRUE(accepts_only_protobuf("application/vnd.kubernetes.protobuf"));
  EXPECT_TRUE(accepts_only_protobuf(" Application/Vnd.Kubernetes.Protobuf ; stream=watch"));
  EXPECT_TRUE(accepts_only_protobuf("application/vnd.kubernetes.protobuf;as=Table;g=meta.k8s.io;v=v1,"));
}

TEST(AcceptHeader, AnythingJsonOrWildcardIsServed) {
  EXPECT_FALSE(accepts_only_protobuf(""));
  EXPECT_FALSE(accepts_only_protobuf("application/vnd.kubernetes.protobuf,application/json"));  // kubectl's create
  EXPECT_FALSE(accepts_only_protobuf("application/vnd.kubernetes.protobuf, */*"));
  EXPECT_FALSE(accepts_only_protobuf("application/json;as=Table;v=v1;g=meta.k8s.io,application/json"));
  EXPECT_FALSE(accepts_only_protobuf("text/plain"));  // not protobuf: the handler decides what it serves
}

}  // namespace
}  // namespace orkest::api
