#include "model/protobuf/k8s_descriptors.hpp"

#include <google/protobuf/descriptor.pb.h>

#include <cstddef>
#include <stdexcept>

// Written at build time from protoc's --descriptor_set_out (CMakeLists.txt, embed_bytes.cmake).
extern const unsigned char orkest_k8s_descriptor_set[];
extern const std::size_t orkest_k8s_descriptor_set_size;

namespace orkest::model::protobuf {

namespace {

std::unique_ptr<google::protobuf::DescriptorPool> build_pool() {
  google::protobuf::FileDescriptorSet files;
  if (!files.ParseFromArray(orkest_k8s_descriptor_set, static_cast<int>(orkest_k8s_descriptor_set_size)))
    throw std::logic_error("the embedded protobuf descriptor set does not parse");
  auto pool = std::make_unique<google::protobuf::DescriptorPool>();
  // --include_imports writes each file after the files it imports.
  for (const auto& file : files.file())
    if (!pool->BuildFile(file)) throw std::logic_error("the embedded protobuf file " + file.name() + " does not build");
  return pool;
}

}  // namespace

const google::protobuf::DescriptorPool& k8s_descriptors() {
  static const std::unique_ptr<google::protobuf::DescriptorPool> pool = build_pool();
  return *pool;
}

const google::protobuf::Descriptor* message_for_kind(const std::string& api_version, const std::string& kind) {
  const auto slash = api_version.find('/');
  // "apps/v1" -> group "apps"; "events.k8s.io/v1" -> "events"; "v1" -> the core group.
  std::string group = slash == std::string::npos ? "core" : api_version.substr(0, slash);
  group = group.substr(0, group.find('.'));
  const std::string version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  if (group.empty() || version.empty() || kind.empty()) return nullptr;
  return k8s_descriptors().FindMessageTypeByName("k8s.io.api." + group + "." + version + "." + kind);
}

}  // namespace orkest::model::protobuf
