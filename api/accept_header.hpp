#pragma once
// What an Accept header allows orkest to answer with.

#include <string_view>

namespace orkest::api {

// True when every media type the header lists is Kubernetes' protobuf
// (application/vnd.kubernetes.protobuf, with any parameters): orkest, which answers in JSON,
// has nothing that client accepts (406). An empty header accepts anything.
bool accepts_only_protobuf(std::string_view accept);

}  // namespace orkest::api
