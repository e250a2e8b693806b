#include "model/body_decoder.hpp"

#include "model/protobuf/protobuf_body.hpp"
#include "model/utf8_text.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace orkest::model {
namespace {

using nlohmann::json;
using decoded = std::variant<json, api_error>;

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct text_position {
  std::size_t line = 1;
  std::size_t column = 1;
};

std::string describe(text_position at) {
  return "line " + std::to_string(at.line) + ", column " + std::to_string(at.column);
}

// 1-based line and column (in bytes) of a 0-based offset.
text_position position_of(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  text_position at;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++at.line;
      line_start = i + 1;
    }
  }
  at.column = offset - line_start + 1;
  return at;
}

// Calls visit(offset) for every byte of JSON text that lies outside string literals.
template <class Visit>
void for_each_structural_byte(std::string_view text, Visit&& visit) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else
      visit(i);
  }
}

std::vector<std::size_t> trailing_comma_offsets(std::string_view text) {
  std::vector<std::size_t> offsets;
  for_each_structural_byte(text, [&](std::size_t i) {
    if (text[i] != ',') return;
    std::size_t next = i + 1;
    while (next < text.size() && is_json_space(text[next])) ++next;
    if (next < text.size() && (text[next] == '}' || text[next] == ']')) offsets.push_back(i);
  });
  return offsets;
}

// Offset of the first bracket that opens a level deeper than max_nesting_depth.
std::optional<std::size_t> first_too_deep_bracket(std::string_view text) {
  std::optional<std::size_t> found;
  std::size_t depth = 0;
  for_each_structural_byte(text, [&](std::size_t i) {
    if (found) return;
    const char c = text[i];
    if (c == '{' || c == '[') {
      if (++depth > max_nesting_depth) found = i;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  });
  return found;
}

std::string nested_too_deeply() {
  return "nested too deeply (more than " + std::to_string(max_nesting_depth) + " levels)";
}

decoded require_container(json value) {
  if (value.is_object() || value.is_array()) return value;
  return bad_request(std::string("request body must be an object or an array, got ") + value.type_name());
}

// nlohmann's what() is "[json.exception.parse_error.101] parse error at line 1, column 6: syntax
// error while parsing object separator - unexpected number literal; expected ':'"; the part after
// " - " is what a user needs.
std::string parse_error_detail(const std::string& what) {
  auto colon = what.find(": ", what.find("column"));
  std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
  auto dash = detail.find(" - ");
  return dash == std::string::npos ? detail : detail.substr(dash + 3);
}

decoded decode_json(std::string_view body) {
  if (auto deep = first_too_deep_bracket(body))
    return bad_request("request body is " + nested_too_deeply() + " at " + describe(position_of(body, *deep)));
  // Trailing commas become spaces so the parser's byte offsets still point into the body as sent.
  std::string text(body);
  for (auto offset : trailing_comma_offsets(text)) text[offset] = ' ';
  try {
    return require_container(json::parse(text));
  } catch (const json::parse_error& error) {
    const std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
    return bad_request("invalid JSON at " + describe(position_of(body, offset)) + ": " +
                       parse_error_detail(error.what()));
  } catch (const json::out_of_range& error) {
    // A number beyond double's range ("1e999"); nlohmann's what() quotes it after its own prefix.
    std::string what = error.what();
    auto bracket = what.find("] ");
    what = bracket == std::string::npos ? what : what.substr(bracket + 2);
    if (what.size() > 120) what = what.substr(0, 117) + "...";
    return bad_request("invalid JSON: " + what);
  }
}

// ---- YAML ----

struct yaml_error {
  YAML::Mark mark;
  std::string message;
};

std::string yaml_message(const YAML::Mark& mark, const std::string& message) {
  if (mark.is_null()) return "invalid YAML: " + message;
  return "invalid YAML at " +
         describe({static_cast<std::size_t>(mark.line) + 1, static_cast<std::size_t>(mark.column) + 1}) + ": " +
         message;
}

// Matchers for YAML 1.2 core-schema numbers, by hand: std::regex recurses per character and a
// long scalar would overflow the stack.
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::size_t skip_digits(std::string_view text, std::size_t at, int base = 10) {
  auto is_base_digit = [base](char c) {
    if (base == 16) return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (base == 8) return c >= '0' && c <= '7';
    return is_digit(c);
  };
  while (at < text.size() && is_base_digit(text[at])) ++at;
  return at;
}

std::size_t skip_sign(std::string_view text, std::size_t at) {
  return at < text.size() && (text[at] == '-' || text[at] == '+') ? at + 1 : at;
}

bool is_decimal(std::string_view text) {  // [-+]?[0-9]+
  const auto digits = skip_sign(text, 0);
  return digits < text.size() && skip_digits(text, digits) == text.size();
}

bool is_prefixed(std::string_view text, std::string_view prefix, int base) {  // 0x[0-9a-fA-F]+, 0o[0-7]+
  return text.size() > prefix.size() && text.substr(0, prefix.size()) == prefix &&
         skip_digits(text, prefix.size(), base) == text.size();
}

bool is_float(std::string_view text) {  // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
  std::size_t at = skip_sign(text, 0);
  const std::size_t integer_end = skip_digits(text, at);
  const bool has_integer = integer_end > at;
  at = integer_end;
  if (at < text.size() && text[at] == '.') {
    const std::size_t fraction_end = skip_digits(text, at + 1);
    if (!has_integer && fraction_end == at + 1) return false;
    at = fraction_end;
  } else if (!has_integer) {
    return false;
  }
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    const std::size_t exponent = skip_sign(text, at + 1);
    at = skip_digits(text, exponent);
    if (at == exponent) return false;
  }
  return at == text.size();
}

// JSON has no infinity: a number too large for a double stays the text it was written as.
json finite_or_text(const std::string& text) {
  const double value = std::strtod(text.c_str(), nullptr);
  if (std::isfinite(value)) return value;
  return text;
}

// A plain (unquoted, untagged) scalar resolved as YAML 1.2's core schema does; quoted scalars
// never reach here, so `"1"` stays a string.
json resolve_plain_scalar(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text == "null" || text == "Null" || text == "NULL" || text == "~") return nullptr;
  errno = 0;
  if (is_decimal(text)) {
    const long long value = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == 0) return value;
    errno = 0;
    if (text[0] != '-') {
      const unsigned long long big = std::strtoull(text.c_str(), nullptr, 10);
      if (errno == 0) return big;
    }
    return finite_or_text(text);
  }
  if (is_prefixed(text, "0x", 16) || is_prefixed(text, "0o", 8)) {
    const unsigned long long value = std::strtoull(text.c_str() + 2, nullptr, text[1] == 'x' ? 16 : 8);
    if (errno == 0) return value;
    return text;
  }
  if (is_float(text)) return finite_or_text(text);
  return text;
}

json convert_scalar(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  if (tag == "?") return resolve_plain_scalar(text);
  // An explicit core tag other than !!str (`!!int 5`) resolves like a plain scalar; "!" marks a
  // quoted or block scalar, which is always a string.
  static const std::string core = "tag:yaml.org,2002:";
  if (tag.rfind(core, 0) == 0 && tag != core + "str") return resolve_plain_scalar(text);
  return text;
}

class yaml_converter {
 public:
  explicit yaml_converter(std::size_t node_budget) : node_budget_(node_budget) {}

  std::variant<json, yaml_error> convert(const YAML::Node& node, std::size_t depth) {
    if (++nodes_ > node_budget_)
      return yaml_error{node.Mark(), "aliases expand to more than " + std::to_string(node_budget_) + " nodes"};
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return json(nullptr);
      case YAML::NodeType::Scalar:
        return convert_scalar(node);
      case YAML::NodeType::Sequence:
      case YAML::NodeType::Map:
        break;
    }
    if (depth > max_nesting_depth) return yaml_error{node.Mark(), nested_too_deeply()};
    if (node.IsSequence()) {
      json array = json::array();
      for (const auto& item : node) {
        auto converted = convert(item, depth + 1);
        if (auto* error = std::get_if<yaml_error>(&converted)) return *error;
        array.push_back(std::move(std::get<json>(converted)));
      }
      return array;
    }
    json object = json::object();
    for (const auto& entry : node) {
      if (!entry.first.IsScalar() && !entry.first.IsNull())
        return yaml_error{entry.first.Mark(), "mapping keys must be scalars"};
      const std::string key = entry.first.IsNull() ? "null" : entry.first.Scalar();
      if (object.contains(key)) return yaml_error{entry.first.Mark(), "duplicate key " + json(key).dump(-1, ' ', false, json::error_handler_t::replace)};
      auto converted = convert(entry.second, depth + 1);
      if (auto* error = std::get_if<yaml_error>(&converted)) return *error;
      object[key] = std::move(std::get<json>(converted));
    }
    return object;
  }

 private:
  std::size_t node_budget_;
  std::size_t nodes_ = 0;
};

// Counts documents without building nodes. yaml-cpp 0.7's LoadAll never ends on some malformed
// streams (a lone "," at block level: the parser reports an empty document without consuming
// the token, forever; fixed upstream after 0.7). Each real document consumes input, so more
// documents than bytes means the parser is stuck at the mark of the last one.
class document_counter : public YAML::EventHandler {
 public:
  std::size_t documents = 0;
  YAML::Mark last_start;
  void OnDocumentStart(const YAML::Mark& mark) override {
    ++documents;
    last_start = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// The mark where the parser stops making progress, if it does.
std::optional<YAML::Mark> stuck_parser_mark(std::string_view body) {
  std::istringstream stream{std::string(body)};
  YAML::Parser parser(stream);
  document_counter counter;
  while (parser.HandleNextDocument(counter))
    if (counter.documents > body.size() + 1) return counter.last_start;
  return std::nullopt;
}

// YAML allows no C0 control character but tab, line feed and carriage return (YAML 1.2, 5.1).
// yaml-cpp would take NUL bytes as a sign of UTF-16 or UTF-32 and produce garbled strings.
std::optional<std::size_t> first_yaml_control_character(std::string_view body) {
  for (std::size_t i = 0; i < body.size(); ++i) {
    const auto c = static_cast<unsigned char>(body[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return i;
  }
  return std::nullopt;
}

decoded decode_yaml(std::string_view body) {
  if (auto at = first_yaml_control_character(body)) {
    char code[8];
    std::snprintf(code, sizeof code, "0x%02X", static_cast<unsigned char>(body[*at]));
    return bad_request("invalid YAML at " + describe(position_of(body, *at)) + ": control character " + code +
                       " is not allowed");
  }
  std::vector<YAML::Node> documents;
  try {
    if (auto mark = stuck_parser_mark(body))
      return bad_request(yaml_message(*mark, "unexpected token where a node was expected"));
    for (auto& document : YAML::LoadAll(std::string(body)))
      if (!document.IsNull()) documents.push_back(std::move(document));
  } catch (const YAML::DeepRecursion& error) {
    return bad_request(yaml_message(error.mark, nested_too_deeply()));
  } catch (const YAML::Exception& error) {
    return bad_request(yaml_message(error.mark, error.msg));
  }
  if (documents.empty()) return bad_request("request body is empty");
  if (documents.size() > 1)
    return bad_request("request body must hold one YAML document, found " + std::to_string(documents.size()));
  // Without aliases a document never has more nodes than bytes; the budget only stops alias
  // bombs (a few lines expanding to billions of nodes).
  yaml_converter converter(2 * body.size() + 1024);
  auto converted = converter.convert(documents.front(), 1);
  if (auto* error = std::get_if<yaml_error>(&converted)) return bad_request(yaml_message(error->mark, error->message));
  return require_container(std::move(std::get<json>(converted)));
}

// "Application/JSON; charset=utf-8" -> "application/json"
std::string media_type(std::string_view content_type) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && is_json_space(type.front())) type.remove_prefix(1);
  while (!type.empty() && is_json_space(type.back())) type.remove_suffix(1);
  std::string lowered(type);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lowered;
}

}  // namespace

decoded decode_body(std::string_view body, std::string_view content_type) {
  const std::string type = media_type(content_type);
  const bool is_json = type.empty() || type == "*/*" || type == "application/json" ||
                       type == "application/merge-patch+json" || type == "application/json-patch+json" ||
                       type == "application/strategic-merge-patch+json";
  const bool is_yaml = type == "application/yaml" || type == "application/apply-patch+yaml";
  if (type == protobuf::media_type) return protobuf::decode_protobuf_body(body);
  if (!is_json && !is_yaml) return unsupported_media_type(std::string(content_type));
  if (std::all_of(body.begin(), body.end(), is_json_space)) return bad_request("request body is empty");
  if (auto bad = first_invalid_utf8(body))
    return bad_request("request body is not valid UTF-8: invalid byte sequence at " +
                       describe(position_of(body, *bad)));
  return is_json ? decode_json(body) : decode_yaml(body);
}

std::string strip_trailing_commas(std::string_view json_text) {
  std::string text;
  text.reserve(json_text.size());
  std::size_t from = 0;
  for (auto offset : trailing_comma_offsets(json_text)) {
    text.append(json_text.substr(from, offset - from));
    from = offset + 1;
  }
  text.append(json_text.substr(from));
  return text;
}

}  // namespace orkest::model
