#pragma once
// Image names as podman resolves them, as pure functions.

#include <optional>
#include <string>

namespace orkest::podman {

// The name a locally built image would have for `reference`: podman tags what `podman build`
// makes as localhost/NAME:TAG, and "health:latest" resolves to localhost/health:latest when
// present. nullopt when the reference names a real registry ("docker.io/...",
// "localhost:5000/...") or a digest, which only pulling can provide.
std::optional<std::string> localhost_image(const std::string& reference);

}  // namespace orkest::podman
