#include <cctype>
#include <optional>
#include <string>

#include "podman/container_runtime.hpp"

namespace orkest::podman {

std::optional<std::string> non_root_violation(const std::string& spec_user, const std::string& image_user) {
  // "UID", "UID:GID", "name", "name:group"; empty means root, as podman runs it.
  const std::string user = spec_user.empty() ? image_user : spec_user;
  const std::string uid = user.substr(0, user.find(':'));
  const bool root = uid.empty() || uid == "root" || uid.find_first_not_of('0') == std::string::npos;
  if (root && !spec_user.empty()) return std::string("container's runAsUser breaks non-root policy");
  if (root) return std::string("container has runAsNonRoot and image will run as root");
  for (char c : uid)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return "container has runAsNonRoot and image has non-numeric user (" + uid + "), cannot verify user is non-root";
  return std::nullopt;
}

}  // namespace orkest::podman
