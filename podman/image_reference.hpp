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

// The file of an image tarball reference ("docker-archive:/srv/base.tar" or "oci-archive:...");
// nullopt for any other reference.
std::optional<std::string> archive_file(const std::string& reference);

// The image `podman load --quiet` reports ("Loaded image: localhost/base:1.0", or
// "Loaded image(s): sha256:..."): the first one; nullopt when it names none.
std::optional<std::string> loaded_image(const std::string& load_output);

}  // namespace orkest::podman
