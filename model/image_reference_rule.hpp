#pragma once
// What an image reference may look like: the distribution reference grammar podman reads
// (`[registry[:port]/]path[:tag][@algorithm:hex]`), or podman's archive transports with an
// absolute path (`docker-archive:/srv/images/base.tar`, `oci-archive:/srv/images/base.tar`).
// The image becomes part of a podman command line, so anything else is refused before it is
// stored, whatever podman would make of it.

#include <string>
#include <vector>

namespace orkest::model::name_rules {

// Why `value` is not an image reference; empty when it is one.
std::vector<std::string> image_reference(const std::string& value);

}  // namespace orkest::model::name_rules
