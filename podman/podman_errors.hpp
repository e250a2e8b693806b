#pragma once
// Reading podman's failure output (its stderr), as pure functions.

#include <string>
#include <string_view>

namespace orkest::podman {

// The sentence worth showing a user: the last "Error: ..." line without that prefix (podman
// may print warnings before it), else the whole text trimmed; "" for empty text.
std::string podman_error_text(std::string_view stderr_text);

// Whether podman failed because the container does not exist (podman 4.3 says
// `no container with name or ID "x" found: no such container`, or for inspect
// `inspecting object: no such container x`).
bool is_no_such_container(std::string_view stderr_text);

// `podman create|run --pull=never` of an image that is not in local storage.
bool is_image_not_known(std::string_view stderr_text);

// Another container already has the name.
bool is_name_in_use(std::string_view stderr_text);

// A fixed address (--ip) another container holds: `IPAM error: requested ip address X is
// already allocated to container ID Y`.
bool is_address_in_use(std::string_view stderr_text);

// Any other refusal of a fixed address: `requested static ip X not in any subnet on network
// N`, or another `IPAM error: ...`.
bool is_address_rejected(std::string_view stderr_text);

}  // namespace orkest::podman
