#include "podman/image_reference.hpp"

namespace orkest::podman {

std::optional<std::string> localhost_image(const std::string& reference) {
  if (reference.empty() || reference.find('@') != std::string::npos) return std::nullopt;
  std::string path = reference;
  size_t slash = reference.find('/');
  if (slash != std::string::npos) {
    std::string first = reference.substr(0, slash);
    // Like podman: a first component with a dot or a port, or "localhost", is a registry.
    if (first == "localhost") {
      path = reference.substr(slash + 1);
    } else if (first.find_first_of(".:") != std::string::npos) {
      return std::nullopt;
    }
  }
  size_t last_slash = path.rfind('/');
  bool tagged = path.find(':', last_slash == std::string::npos ? 0 : last_slash) != std::string::npos;
  return "localhost/" + path + (tagged ? "" : ":latest");
}

}  // namespace orkest::podman
