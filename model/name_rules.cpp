#include "model/name_rules.hpp"

#include <algorithm>
#include <string_view>

namespace orkest::model::name_rules {
namespace {

// A format as Kubernetes prints it in messages, with a hand-written matcher: std::regex recurses
// per character and would overflow the stack on a megabyte-long name.
struct pattern {
  std::string text;
  bool (*matches)(std::string_view value);
};

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

template <class Predicate>
bool all_of(std::string_view value, Predicate predicate) {
  return std::all_of(value.begin(), value.end(), predicate);
}

bool matches_dns1123_label(std::string_view value) {
  return !value.empty() && is_lower_alnum(value.front()) && is_lower_alnum(value.back()) &&
         all_of(value, [](char c) { return is_lower_alnum(c) || c == '-'; });
}

bool matches_dns1123_subdomain(std::string_view value) {
  for (;;) {
    const auto dot = value.find('.');
    if (!matches_dns1123_label(value.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    value.remove_prefix(dot + 1);
  }
}

bool matches_dns1035_label(std::string_view value) {
  return matches_dns1123_label(value) && value.front() >= 'a' && value.front() <= 'z';
}

bool matches_qualified_name(std::string_view value) {
  return !value.empty() && is_alnum(value.front()) && is_alnum(value.back()) &&
         all_of(value, [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool matches_label_value(std::string_view value) { return value.empty() || matches_qualified_name(value); }

bool matches_env_var_name(std::string_view value) {
  auto allowed = [](char c) { return is_alpha(c) || c == '-' || c == '.' || c == '_'; };
  return !value.empty() && allowed(value.front()) &&
         all_of(value, [&](char c) { return allowed(c) || (c >= '0' && c <= '9'); });
}

bool matches_port_name_charset(std::string_view value) {
  return !value.empty() && all_of(value, [](char c) { return is_lower_alnum(c) || c == '-'; });
}

const pattern dns1123_label_format{"[a-z0-9]([-a-z0-9]*[a-z0-9])?", matches_dns1123_label};
const pattern dns1123_subdomain_format{dns1123_label_format.text + "(\\." + dns1123_label_format.text + ")*",
                                       matches_dns1123_subdomain};
const pattern dns1035_label_format{"[a-z]([-a-z0-9]*[a-z0-9])?", matches_dns1035_label};
const pattern qualified_name_format{"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]", matches_qualified_name};
const pattern label_value_format{"(" + qualified_name_format.text + ")?", matches_label_value};
const pattern env_var_name_format{"[-._a-zA-Z][-._a-zA-Z0-9]*", matches_env_var_name};
const pattern port_name_format{"[-a-z0-9]+", matches_port_name_charset};
const pattern config_key_format{"[-._a-zA-Z0-9]+", [](std::string_view value) {
  return !value.empty() && all_of(value, [](char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_'; });
}};
const pattern http_header_name_format{"[-A-Za-z0-9]+", [](std::string_view value) {
  return !value.empty() && all_of(value, [](char c) { return is_alnum(c) || c == '-'; });
}};

std::string max_length_error(std::size_t length) {
  return "must be no more than " + std::to_string(length) + " characters";
}

// Kubernetes' RegexError, double space after each example's comma included.
std::string regex_error(const std::string& message, const pattern& format,
                        std::initializer_list<const char*> examples) {
  std::string text = message + " (e.g. ";
  bool first = true;
  for (const char* example : examples) {
    if (!first) text += " or ";
    first = false;
    text += std::string("'") + example + "', ";
  }
  return text + "regex used for validation is '" + format.text + "')";
}

const char* const qualified_name_message =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character";

}  // namespace

std::vector<std::string> dns1123_label(const std::string& value) {
  std::vector<std::string> errors;
  if (value.size() > 63) errors.push_back(max_length_error(63));
  if (!dns1123_label_format.matches(value)) {
    if (dns1123_subdomain_format.matches(value))
      errors.push_back("must not contain dots");
    else
      errors.push_back(
          regex_error("a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
                      "or '-', and must start and end with an alphanumeric character",
                      dns1123_label_format, {"my-name", "123-abc"}));
  }
  return errors;
}

std::vector<std::string> dns1123_subdomain(const std::string& value) {
  std::vector<std::string> errors;
  if (value.size() > 253) errors.push_back(max_length_error(253));
  if (!dns1123_subdomain_format.matches(value))
    errors.push_back(
        regex_error("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                    "characters, '-' or '.', and must start and end with an alphanumeric character",
                    dns1123_subdomain_format, {"example.com"}));
  return errors;
}

std::vector<std::string> dns1035_label(const std::string& value) {
  std::vector<std::string> errors;
  if (value.size() > 63) errors.push_back(max_length_error(63));
  if (!dns1035_label_format.matches(value))
    errors.push_back(
        regex_error("a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                    "start with an alphabetic character, and end with an alphanumeric character",
                    dns1035_label_format, {"my-name", "abc-123"}));
  return errors;
}

std::vector<std::string> qualified_name(const std::string& value) {
  std::vector<std::string> errors;
  const auto slash = value.find('/');
  std::string name = value;
  if (slash != std::string::npos) {
    if (value.find('/', slash + 1) != std::string::npos) {
      errors.push_back("a qualified name " +
                       regex_error(qualified_name_message, qualified_name_format, {"MyName", "my.name", "123-abc"}) +
                       " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
      return errors;
    }
    const std::string prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      errors.push_back("prefix part must be non-empty");
    } else {
      for (const auto& message : dns1123_subdomain(prefix)) errors.push_back("prefix part " + message);
    }
  }
  if (name.empty())
    errors.push_back("name part must be non-empty");
  else if (name.size() > 63)
    errors.push_back("name part " + max_length_error(63));
  if (!qualified_name_format.matches(name))
    errors.push_back("name part " +
                     regex_error(qualified_name_message, qualified_name_format, {"MyName", "my.name", "123-abc"}));
  return errors;
}

std::vector<std::string> label_value(const std::string& value) {
  std::vector<std::string> errors;
  if (value.size() > 63) errors.push_back(max_length_error(63));
  if (!label_value_format.matches(value))
    errors.push_back(
        regex_error("a valid label must be an empty string or consist of alphanumeric characters, "
                    "'-', '_' or '.', and must start and end with an alphanumeric character",
                    label_value_format, {"MyValue", "my_value", "12345"}));
  return errors;
}

std::vector<std::string> port_name(const std::string& value) {
  std::vector<std::string> errors;
  if (value.size() > 15) errors.push_back(max_length_error(15));
  if (!port_name_format.matches(value))
    errors.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (std::none_of(value.begin(), value.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
    errors.push_back("must contain at least one letter (a-z)");
  if (value.find("--") != std::string::npos) errors.push_back("must not contain consecutive hyphens");
  if (!value.empty() && (value.front() == '-' || value.back() == '-'))
    errors.push_back("must not begin or end with a hyphen");
  return errors;
}

// "." and ".." and what starts with "..": names that are also file names may not be these.
void add_dot_segment_errors(std::vector<std::string>& errors, const std::string& value) {
  if (value == ".")
    errors.push_back("must not be '.'");
  else if (value == "..")
    errors.push_back("must not be '..'");
  else if (value.rfind("..", 0) == 0)
    errors.push_back("must not start with '..'");
}

std::vector<std::string> env_var_name(const std::string& value) {
  std::vector<std::string> errors;
  if (!env_var_name_format.matches(value))
    errors.push_back(
        regex_error("a valid environment variable name must consist of alphabetic characters, "
                    "digits, '_', '-', or '.', and must not start with a digit",
                    env_var_name_format, {"my.env-name", "MY_ENV.NAME", "MyEnvName1"}));
  // Kubernetes' IsEnvVarName also refuses "." and ".." (they are not valid file names).
  add_dot_segment_errors(errors, value);
  return errors;
}

std::vector<std::string> config_key(const std::string& value) {
  std::vector<std::string> errors;
  if (value.size() > 253) errors.push_back(max_length_error(253));
  if (!config_key_format.matches(value))
    errors.push_back(regex_error("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                                 config_key_format, {"key.name", "KEY_NAME", "key-name"}));
  add_dot_segment_errors(errors, value);
  return errors;
}

std::vector<std::string> http_header_name(const std::string& value) {
  if (http_header_name_format.matches(value)) return {};
  return {regex_error("a valid HTTP header must consist of alphanumeric characters or '-'", http_header_name_format,
                      {"X-Header-Name"})};
}

std::vector<std::string> port_number(long long value) {
  if (value >= 1 && value <= 65535) return {};
  return {"must be between 1 and 65535, inclusive"};
}

}  // namespace orkest::model::name_rules
