#pragma once
// Kubernetes' protobuf request bodies (Content-Type: application/vnd.kubernetes.protobuf, as
// kubectl's `create deployment|service ...` send them) decoded into the JSON object orkest's
// other decoders produce, so every later step (defaults, validation, the store) is the same.

#include <nlohmann/json.hpp>
#include <string_view>
#include <variant>

#include "model/api_error.hpp"

namespace orkest::model::protobuf {

inline constexpr std::string_view media_type = "application/vnd.kubernetes.protobuf";

// The body: "k8s\0", then a runtime.Unknown whose typeMeta names the kind and whose raw holds
// the object in that kind's protobuf encoding (model/protobuf/*.proto). The result carries
// apiVersion and kind from the envelope. Everything else is 400 BadRequest naming what is
// wrong and, for a field, its number, its message and where it is ("field 12 of
// k8s.io.api.core.v1.PodSpec at spec.template.spec: orkest does not decode this field").
std::variant<nlohmann::json, api_error> decode_protobuf_body(std::string_view body);

}  // namespace orkest::model::protobuf
