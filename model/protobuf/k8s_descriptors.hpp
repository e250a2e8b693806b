#pragma once
// The message definitions of model/protobuf/*.proto, compiled by protoc into a descriptor set at
// build time and embedded in the binary (no generated C++ classes: the decoder walks the wire
// format by these descriptors).

#include <google/protobuf/descriptor.h>

#include <string>

namespace orkest::model::protobuf {

// Built once on first use; lives as long as the process.
const google::protobuf::DescriptorPool& k8s_descriptors();

// The message of a Kubernetes kind by its apiVersion and kind ("apps/v1", "Deployment" ->
// k8s.io.api.apps.v1.Deployment; the core group "v1" -> k8s.io.api.core.v1); nullptr when
// orkest has no definition for it.
const google::protobuf::Descriptor* message_for_kind(const std::string& api_version, const std::string& kind);

}  // namespace orkest::model::protobuf
