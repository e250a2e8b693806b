#include "model/image_reference_rule.hpp"

#include <algorithm>
#include <string_view>

namespace orkest::model::name_rules {
namespace {

// Hand-written matchers (as in name_rules.cpp): std::regex recurses per character.
bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

constexpr std::size_t max_name_length = 255;  // as the distribution reference package
constexpr std::size_t max_archive_path_length = 4096;

// domain-component ('.' domain-component)* (':' port)?
bool is_domain(std::string_view value) {
  const auto colon = value.find(':');
  if (colon != std::string_view::npos) {
    const auto port = value.substr(colon + 1);
    if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    value = value.substr(0, colon);
  }
  for (;;) {
    const auto dot = value.find('.');
    const auto component = value.substr(0, dot);
    if (component.empty() || !is_alnum(component.front()) || !is_alnum(component.back()) ||
        !std::all_of(component.begin(), component.end(), [](char c) { return is_alnum(c) || c == '-'; }))
      return false;
    if (dot == std::string_view::npos) return true;
    value.remove_prefix(dot + 1);
  }
}

// [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
bool is_path_component(std::string_view value) {
  if (value.empty() || !is_lower_alnum(value.front()) || !is_lower_alnum(value.back())) return false;
  for (std::size_t i = 0; i < value.size();) {
    if (is_lower_alnum(value[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < value.size() && !is_lower_alnum(value[end])) ++end;
    const auto separator = value.substr(i, end - i);
    const bool dashes = std::all_of(separator.begin(), separator.end(), [](char c) { return c == '-'; });
    if (!(separator == "." || separator == "_" || separator == "__" || dashes)) return false;
    i = end;
  }
  return true;
}

// [\w][\w.-]{0,127}
bool is_tag(std::string_view value) {
  auto word = [](char c) { return is_alnum(c) || c == '_'; };
  return !value.empty() && value.size() <= 128 && word(value.front()) &&
         std::all_of(value.begin(), value.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

// algorithm ':' hex{32,}, algorithm = [A-Za-z][A-Za-z0-9]* ([-_+.][A-Za-z][A-Za-z0-9]*)*
bool is_digest(std::string_view value) {
  const auto colon = value.find(':');
  if (colon == std::string_view::npos) return false;
  const auto algorithm = value.substr(0, colon);
  const auto hex = value.substr(colon + 1);
  if (hex.size() < 32 || !std::all_of(hex.begin(), hex.end(), is_hex)) return false;
  bool component_start = true;
  for (char c : algorithm) {
    if (component_start) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
      component_start = false;
    } else if (c == '-' || c == '_' || c == '+' || c == '.') {
      component_start = true;
    } else if (!is_alnum(c)) {
      return false;
    }
  }
  return !algorithm.empty() && !component_start;
}

bool is_reference(std::string_view value) {
  const auto at = value.find('@');
  if (at != std::string_view::npos) {
    if (!is_digest(value.substr(at + 1))) return false;
    value = value.substr(0, at);
  }
  // A tag follows the last ':' after the last '/' (a ':' before it belongs to a registry's port).
  const auto last_slash = value.rfind('/');
  const auto colon = value.find(':', last_slash == std::string_view::npos ? 0 : last_slash);
  if (colon != std::string_view::npos) {
    if (!is_tag(value.substr(colon + 1))) return false;
    value = value.substr(0, colon);
  }
  if (value.empty() || value.size() > max_name_length) return false;
  // The first component is a registry when it has a '.' or a ':' or is "localhost", as podman reads it.
  const auto first_slash = value.find('/');
  if (first_slash != std::string_view::npos) {
    const auto first = value.substr(0, first_slash);
    if (first == "localhost" || first.find_first_of(".:") != std::string_view::npos) {
      if (!is_domain(first)) return false;
      value.remove_prefix(first_slash + 1);
    }
  }
  for (;;) {
    const auto slash = value.find('/');
    if (!is_path_component(value.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    value.remove_prefix(slash + 1);
  }
}

// An absolute path of plain characters without "." or ".." segments.
bool is_plain_absolute_path(std::string_view path) {
  if (path.size() < 2 || path.size() > max_archive_path_length || path.front() != '/' || path.back() == '/')
    return false;
  if (!std::all_of(path.begin(), path.end(),
                   [](char c) { return is_alnum(c) || c == '/' || c == '.' || c == '_' || c == '-' || c == '+'; }))
    return false;
  path.remove_prefix(1);
  for (;;) {
    const auto slash = path.find('/');
    const auto segment = path.substr(0, slash);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace

std::vector<std::string> image_reference(const std::string& value) {
  for (const std::string_view transport : {"docker-archive:", "oci-archive:"}) {
    if (value.compare(0, transport.size(), transport) != 0) continue;
    if (is_plain_absolute_path(std::string_view(value).substr(transport.size()))) return {};
    return {"an archive image must be " + std::string(transport) +
            " followed by an absolute path of letters, digits, '/', '.', '_', '-' or '+' without '.' or '..' "
            "segments (e.g. '" + std::string(transport) + "/srv/images/base.tar')"};
  }
  if (is_reference(value)) return {};
  return {"must be an image reference such as 'nginx', 'nginx:1.25', 'registry.example.com:5000/team/app:v2' or "
          "'app@sha256:<64 hex digits>', or an archive such as 'docker-archive:/srv/images/base.tar'"};
}

}  // namespace orkest::model::name_rules
