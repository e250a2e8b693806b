#pragma once
// Bodies Kubernetes would refuse but whose meaning is plain from the URL and the stored object,
// rewritten into their canonical shapes, each with a warning saying what was assumed (sent to
// the client as a `Warning` header). Canonical bodies pass through unchanged and warn nothing.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/resource_kind.hpp"

namespace orkest::model {

// For a body written to a URL of `kind` (and, for a PUT, the object `url_name`):
// - `kind` in another letter case ("pod") becomes the canonical kind it names ("Pod");
// - a missing or empty `kind` or `apiVersion` is taken from the URL;
// - on a PUT, a missing `metadata.name` is the URL's;
// - a key of `metadata` (and of a ReplicaSet's `spec.template.metadata`) that is no ObjectMeta
//   field and has a string value is a label, unless a label of that name says otherwise.
// A kind of another resource is left for the store to refuse. Returns the warnings.
std::vector<std::string> forgive_shapes(const resource_kind& kind, const std::string& url_name,
                                        nlohmann::json& body);

// The canonical kind `kind` names in any letter case, or nullptr.
const resource_kind* find_kind_ignoring_case(const std::string& kind);

// A PUT of a ReplicaSet whose spec lacks its selector or template is partial: the spec fields it
// lacks keep their `stored` values. A full spec replaces the stored one. Returns the warnings.
std::vector<std::string> keep_unsent_spec_fields(const resource_kind& kind, const nlohmann::json& stored,
                                                 nlohmann::json& body);

}  // namespace orkest::model
