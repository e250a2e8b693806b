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

std::optional<std::string> archive_file(const std::string& reference) {
  for (const std::string transport : {"docker-archive:", "oci-archive:"})
    if (reference.rfind(transport, 0) == 0 && reference.size() > transport.size()) return reference.substr(transport.size());
  return std::nullopt;
}

std::optional<std::string> loaded_image(const std::string& load_output) {
  std::size_t line_start = 0;
  while (line_start < load_output.size()) {
    auto line_end = load_output.find('\n', line_start);
    if (line_end == std::string::npos) line_end = load_output.size();
    const std::string line = load_output.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (line.rfind("Loaded image", 0) != 0) continue;
    const auto colon = line.find(": ");
    if (colon == std::string::npos) continue;
    std::string name = line.substr(colon + 2);
    name = name.substr(0, name.find_first_of(", \r"));
    if (!name.empty()) return name;
  }
  return std::nullopt;
}

}  // namespace orkest::podman
