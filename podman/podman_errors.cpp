#include "podman/podman_errors.hpp"

namespace orkest::podman {
namespace {

std::string_view trimmed(std::string_view s) {
  const char* space = " \t\r\n";
  size_t first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

}  // namespace

std::string podman_error_text(std::string_view stderr_text) {
  constexpr std::string_view prefix = "Error: ";
  std::string_view last_error;
  for (size_t start = 0; start < stderr_text.size();) {
    size_t end = stderr_text.find('\n', start);
    if (end == std::string_view::npos) end = stderr_text.size();
    std::string_view line = stderr_text.substr(start, end - start);
    if (line.substr(0, prefix.size()) == prefix) last_error = line.substr(prefix.size());
    start = end + 1;
  }
  return std::string(trimmed(last_error.empty() ? stderr_text : last_error));
}

bool is_no_such_container(std::string_view stderr_text) {
  return stderr_text.find("no such container") != std::string_view::npos;
}

bool is_image_not_known(std::string_view stderr_text) {
  return stderr_text.find("image not known") != std::string_view::npos;
}

bool is_name_in_use(std::string_view stderr_text) {
  return stderr_text.find("is already in use") != std::string_view::npos;
}

bool is_address_in_use(std::string_view stderr_text) {
  return stderr_text.find("IPAM error") != std::string_view::npos &&
         stderr_text.find("is already allocated") != std::string_view::npos;
}

bool is_address_rejected(std::string_view stderr_text) {
  if (is_address_in_use(stderr_text)) return false;
  return stderr_text.find("IPAM error") != std::string_view::npos ||
         stderr_text.find("requested static ip") != std::string_view::npos;
}

}  // namespace orkest::podman
