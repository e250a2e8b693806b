#include <cctype>
#include <optional>
#include <string>

#include "podman/container_runtime.hpp"

namespace orkest::podman {

namespace {
// ":GID" (runAsGroup alone) names no user: the image's runs.
bool names_a_user(const std::string& spec_user) { return !spec_user.empty() && spec_user.front() != ':'; }
}  // namespace

std::optional<std::string> non_root_violation(const std::string& spec_user, const std::string& image_user) {
  // "UID", "UID:GID", "name", "name:group"; empty means root, as podman runs it.
  const bool declared = names_a_user(spec_user);
  const std::string user = declared ? spec_user : image_user;
  const std::string uid = user.substr(0, user.find(':'));
  const bool root = uid.empty() || uid == "root" || uid.find_first_not_of('0') == std::string::npos;
  if (root && declared) return std::string("container's runAsUser breaks non-root policy");
  if (root) return std::string("container has runAsNonRoot and image will run as root");
  for (char c : uid)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return "container has runAsNonRoot and image has non-numeric user (" + uid + "), cannot verify user is non-root";
  return std::nullopt;
}

bool needs_image_user(const container_spec& spec) {
  return (spec.run_as_non_root && !names_a_user(spec.user)) || (!spec.user.empty() && spec.user.front() == ':');
}

std::string effective_user(const std::string& spec_user, const std::string& image_user) {
  if (spec_user.empty() || spec_user.front() != ':') return spec_user;
  const std::string uid = image_user.substr(0, image_user.find(':'));
  return (uid.empty() ? "0" : uid) + spec_user;
}

}  // namespace orkest::podman
