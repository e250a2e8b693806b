#include "model/label_selector.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "model/field_error.hpp"
#include "model/json_access.hpp"
#include "model/name_rules.hpp"

namespace orkest::model {
namespace {

using nlohmann::json;
using op = label_requirement::op;
namespace fe = field_error;

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string joined;
  for (std::size_t i = 0; i < parts.size(); ++i) joined += (i ? separator : "") + parts[i];
  return joined;
}

// ---- the string form, parsed as k8s.io/apimachinery/pkg/labels/selector.go does ----

enum class token {
  identifier,
  does_not_exist,
  equals,
  double_equals,
  not_equals,
  in,
  not_in,
  open_par,
  closed_par,
  comma,
  greater_than,
  less_than,
  end
};

struct scanned {
  token kind;
  std::string literal;
};

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_special(char c) { return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<'; }

std::vector<scanned> scan(std::string_view text) {
  std::vector<scanned> items;
  std::size_t at = 0;
  for (;;) {
    while (at < text.size() && is_whitespace(text[at])) ++at;
    if (at == text.size()) break;
    const char c = text[at];
    if (is_special(c)) {
      const char next = at + 1 < text.size() ? text[at + 1] : '\0';
      if ((c == '!' || c == '=') && next == '=') {
        items.push_back({c == '!' ? token::not_equals : token::double_equals, std::string{c, '='}});
        at += 2;
        continue;
      }
      static const std::pair<char, token> singles[] = {
          {'=', token::equals}, {'!', token::does_not_exist}, {'(', token::open_par}, {')', token::closed_par},
          {',', token::comma},  {'>', token::greater_than},   {'<', token::less_than}};
      for (const auto& [symbol, kind] : singles)
        if (symbol == c) items.push_back({kind, std::string(1, c)});
      ++at;
      continue;
    }
    const std::size_t start = at;
    while (at < text.size() && !is_whitespace(text[at]) && !is_special(text[at])) ++at;
    std::string word(text.substr(start, at - start));
    const token kind = word == "in" ? token::in : word == "notin" ? token::not_in : token::identifier;
    items.push_back({kind, std::move(word)});
  }
  items.push_back({token::end, ""});
  return items;
}

// In value position the keywords are plain words: `env in (in,notin)` is legal.
enum class context { key_and_operator, values };

std::string found(const scanned& item, const std::string& expected) {
  return "found '" + item.literal + "', expected: " + expected;
}

// Kubernetes names the parts of a string requirement "key" and "values[i]".
std::optional<std::string> key_error(const std::string& key) {
  auto errors = name_rules::qualified_name(key);
  if (errors.empty()) return std::nullopt;
  return fe::to_string(fe::invalid("key", key, join(errors, "; ")));
}

std::optional<std::string> values_error(const std::vector<std::string>& values) {
  std::vector<status_cause> causes;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (auto errors = name_rules::label_value(values[i]); !errors.empty())
      causes.push_back(fe::invalid(fe::index("values", i), values[i], join(errors, "; ")));
  if (causes.empty()) return std::nullopt;
  return fe::to_string(causes);
}

class parser {
 public:
  explicit parser(std::string_view text) : items_(scan(text)) {}

  std::variant<label_selector, std::string> parse() {
    std::vector<label_requirement> requirements;
    for (;;) {
      const scanned next = lookahead(context::values);
      if (next.kind == token::end) break;
      if (next.kind != token::identifier && next.kind != token::does_not_exist)
        return found(next, "!, identifier, or 'end of string'");
      auto requirement = parse_requirement();
      if (auto* error = std::get_if<std::string>(&requirement)) return "unable to parse requirement: " + *error;
      requirements.push_back(std::move(std::get<label_requirement>(requirement)));
      const scanned after = consume(context::values);
      if (after.kind == token::end) break;
      if (after.kind != token::comma) return found(after, "',' or 'end of string'");
      const scanned following = lookahead(context::values);
      if (following.kind != token::identifier && following.kind != token::does_not_exist)
        return found(following, "identifier after ','");
    }
    std::stable_sort(requirements.begin(), requirements.end(),
                     [](const auto& a, const auto& b) { return a.key < b.key; });
    return label_selector(std::move(requirements));
  }

 private:
  scanned lookahead(context in) const {
    scanned item = items_[position_];
    if (in == context::values && (item.kind == token::in || item.kind == token::not_in)) item.kind = token::identifier;
    return item;
  }

  scanned consume(context in) {
    scanned item = lookahead(in);
    if (position_ + 1 < items_.size()) ++position_;
    return item;
  }

  std::variant<label_requirement, std::string> parse_requirement() {
    label_requirement requirement;
    scanned key = consume(context::values);
    const bool negated = key.kind == token::does_not_exist;
    if (negated) key = consume(context::values);
    if (key.kind != token::identifier) return found(key, "identifier");
    requirement.key = key.literal;
    if (auto error = key_error(requirement.key)) return *error;
    // `!key` and a bare `key` stand alone; whatever follows them is the caller's to judge.
    const token next = lookahead(context::values).kind;
    if (negated || next == token::end || next == token::comma) {
      requirement.operation = negated ? op::does_not_exist : op::exists;
      return requirement;
    }
    const scanned operation = consume(context::key_and_operator);
    switch (operation.kind) {
      case token::equals:
      case token::double_equals:
        requirement.operation = op::equals;
        break;
      case token::not_equals:
        requirement.operation = op::not_equals;
        break;
      case token::in:
        requirement.operation = op::in;
        break;
      case token::not_in:
        requirement.operation = op::not_in;
        break;
      default:
        return found(operation, "in, notin, =, ==, !=");
    }
    auto values =
        (requirement.operation == op::in || requirement.operation == op::not_in) ? parse_values() : parse_exact_value();
    if (auto* error = std::get_if<std::string>(&values)) return *error;
    requirement.values = std::move(std::get<std::vector<std::string>>(values));
    if (auto error = values_error(requirement.values)) return *error;
    return requirement;
  }

  // "(a, b,c)": a set, sorted; empty members as Kubernetes reads "(,a)" and "()" are "".
  std::variant<std::vector<std::string>, std::string> parse_values() {
    const scanned open = consume(context::values);
    if (open.kind != token::open_par) return "found '" + open.literal + "' expected: '('";
    std::set<std::string> values;
    const scanned first = lookahead(context::values);
    if (first.kind == token::closed_par) {
      consume(context::values);
      values.insert("");
      return std::vector<std::string>(values.begin(), values.end());
    }
    if (first.kind != token::identifier && first.kind != token::comma) return found(first, "',', ')' or identifier");
    bool expect_value = true;
    for (;;) {
      const scanned item = consume(context::values);
      if (item.kind == token::identifier && expect_value) {
        values.insert(item.literal);
        expect_value = false;
      } else if (item.kind == token::comma) {
        if (expect_value) values.insert("");  // "(,a)" or "(a,,b)"
        expect_value = true;
      } else if (item.kind == token::closed_par) {
        if (expect_value) values.insert("");  // "(a,)"
        return std::vector<std::string>(values.begin(), values.end());
      } else {
        return found(item, expect_value ? "',', ')' or identifier" : "',' or ')'");
      }
    }
  }

  // "=value", where "=" alone (end or comma next) means the empty value.
  std::variant<std::vector<std::string>, std::string> parse_exact_value() {
    const scanned next = lookahead(context::values);
    if (next.kind == token::end || next.kind == token::comma) return std::vector<std::string>{""};
    const scanned value = consume(context::values);
    if (value.kind != token::identifier) return found(value, "identifier");
    return std::vector<std::string>{value.literal};
  }

  std::vector<scanned> items_;
  std::size_t position_ = 0;
};

// ---- the object form ----



const std::vector<std::string> expression_operators = {"DoesNotExist", "Exists", "In", "NotIn"};

std::vector<status_cause> expression_errors(const json& expression, const std::string& path) {
  std::vector<status_cause> causes;
  if (!expression.is_object()) return {fe::type_invalid(path, expression, "object")};
  const json key = member(expression, "key") ? expression["key"] : json("");
  if (!key.is_string())
    causes.push_back(fe::type_invalid(fe::child(path, "key"), key, "string"));
  else
    fe::add_invalid(causes, fe::child(path, "key"), key, name_rules::qualified_name(key));

  const std::string values_path = fe::child(path, "values");
  std::size_t value_count = 0;
  if (member(expression, "values")) {
    const json& values = expression["values"];
    if (!values.is_array()) {
      causes.push_back(fe::type_invalid(values_path, values, "array"));
    } else {
      value_count = values.size();
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (!values[i].is_string())
          causes.push_back(fe::type_invalid(fe::index(values_path, i), values[i], "string"));
        else
          fe::add_invalid(causes, fe::index(values_path, i), values[i], name_rules::label_value(values[i]));
      }
    }
  }

  const std::string operator_path = fe::child(path, "operator");
  const json operation = member(expression, "operator") ? expression["operator"] : json("");
  if (!operation.is_string()) {
    causes.push_back(fe::type_invalid(operator_path, operation, "string"));
  } else if (operation == "In" || operation == "NotIn") {
    if (value_count == 0)
      causes.push_back(fe::required(values_path, "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (operation == "Exists" || operation == "DoesNotExist") {
    if (value_count > 0)
      causes.push_back(
          fe::forbidden(values_path, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  } else if (operation == "") {
    causes.push_back(fe::required(operator_path));
  } else {
    causes.push_back(fe::not_supported(operator_path, operation, expression_operators));
  }
  return causes;
}

label_requirement expression_requirement(const json& expression) {
  label_requirement requirement;
  requirement.key = expression["key"];
  const std::string operation = expression["operator"];
  requirement.operation = operation == "In"       ? op::in
                          : operation == "NotIn"  ? op::not_in
                          : operation == "Exists" ? op::exists
                                                  : op::does_not_exist;
  if (member(expression, "values")) {
    std::set<std::string> values;
    for (const auto& value : expression["values"]) values.insert(value.get<std::string>());
    requirement.values.assign(values.begin(), values.end());
  }
  return requirement;
}

}  // namespace

label_selector::label_selector(std::vector<label_requirement> requirements) : requirements_(std::move(requirements)) {}

std::variant<label_selector, std::string> label_selector::parse(std::string_view text) { return parser(text).parse(); }

std::variant<label_selector, std::string> label_selector::from_json(const json& selector) {
  auto causes = selector_errors(selector, "");
  if (!causes.empty()) return fe::to_string(causes);
  std::vector<label_requirement> requirements;
  if (member(selector, "matchLabels"))
    for (const auto& [key, value] : selector["matchLabels"].items())
      requirements.push_back({key, op::equals, {value.get<std::string>()}});
  if (member(selector, "matchExpressions"))
    for (const auto& expression : selector["matchExpressions"])
      requirements.push_back(expression_requirement(expression));
  std::stable_sort(requirements.begin(), requirements.end(),
                   [](const auto& a, const auto& b) { return a.key < b.key; });
  return label_selector(std::move(requirements));
}

label_selector label_selector::from_map(const labels& match_labels) {
  std::vector<label_requirement> requirements;
  for (const auto& [key, value] : match_labels) requirements.push_back({key, op::equals, {value}});
  return label_selector(std::move(requirements));
}

bool label_selector::matches(const labels& object_labels) const {
  return std::all_of(requirements_.begin(), requirements_.end(), [&](const label_requirement& requirement) {
    const auto found = object_labels.find(requirement.key);
    const bool present = found != object_labels.end();
    const bool listed = present && std::find(requirement.values.begin(), requirement.values.end(), found->second) !=
                                       requirement.values.end();
    switch (requirement.operation) {
      case op::equals:
      case op::in:
        return listed;
      case op::not_equals:
      case op::not_in:
        return !listed;  // as Kubernetes: an object without the key matches
      case op::exists:
        return present;
      case op::does_not_exist:
        return !present;
    }
    return false;
  });
}

std::string label_selector::to_string() const {
  std::vector<std::string> parts;
  for (const auto& requirement : requirements_) {
    std::vector<std::string> values = requirement.values;
    std::sort(values.begin(), values.end());
    const std::string listed = join(values, ",");
    switch (requirement.operation) {
      case op::equals:
        parts.push_back(requirement.key + "=" + listed);
        break;
      case op::not_equals:
        parts.push_back(requirement.key + "!=" + listed);
        break;
      case op::in:
        parts.push_back(requirement.key + " in (" + listed + ")");
        break;
      case op::not_in:
        parts.push_back(requirement.key + " notin (" + listed + ")");
        break;
      case op::exists:
        parts.push_back(requirement.key);
        break;
      case op::does_not_exist:
        parts.push_back("!" + requirement.key);
        break;
    }
  }
  return join(parts, ",");
}

labels labels_of(const json& object) {
  labels result;
  const json* metadata = member(object, "metadata");
  const json* map = metadata ? member(*metadata, "labels") : nullptr;
  if (!map || !map->is_object()) return result;
  for (const auto& [key, value] : map->items())
    if (value.is_string()) result.emplace(key, value.get<std::string>());
  return result;
}

std::vector<status_cause> label_errors(const json& label_map, const std::string& path) {
  if (label_map.is_null()) return {};
  if (!label_map.is_object()) return {fe::type_invalid(path, label_map, "object")};
  std::vector<status_cause> causes;
  for (const auto& [key, value] : label_map.items()) {
    fe::add_invalid(causes, path, key, name_rules::qualified_name(key));
    if (!value.is_string())
      causes.push_back(fe::type_invalid(fe::key(path, key), value, "string"));
    else
      fe::add_invalid(causes, path, value, name_rules::label_value(value));
  }
  return causes;
}

std::vector<status_cause> selector_errors(const json& selector, const std::string& path) {
  if (!selector.is_object()) return {fe::type_invalid(path, selector, "object")};
  std::vector<status_cause> causes;
  // Dropping an unknown member would silently widen the selector, so it is an error.
  for (const auto& [name, value] : selector.items())
    if (name != "matchLabels" && name != "matchExpressions")
      causes.push_back(fe::invalid(fe::child(path, name), value,
                                   "unknown field: a label selector has only matchLabels and matchExpressions"));
  if (member(selector, "matchLabels"))
    fe::append(causes, label_errors(selector["matchLabels"], fe::child(path, "matchLabels")));
  if (member(selector, "matchExpressions")) {
    const std::string expressions_path = fe::child(path, "matchExpressions");
    const json& expressions = selector["matchExpressions"];
    if (!expressions.is_array()) {
      causes.push_back(fe::type_invalid(expressions_path, expressions, "array"));
    } else {
      for (std::size_t i = 0; i < expressions.size(); ++i)
        fe::append(causes, expression_errors(expressions[i], fe::index(expressions_path, i)));
    }
  }
  return causes;
}

std::string label_selector_string(const json& selector) {
  if (!selector.is_object()) return {};
  auto parsed = label_selector::from_json(selector);
  auto* compiled = std::get_if<label_selector>(&parsed);
  if (!compiled) return {};
  auto requirements = compiled->requirements();
  std::stable_sort(requirements.begin(), requirements.end(),
                   [](const label_requirement& a, const label_requirement& b) { return a.key < b.key; });
  return label_selector(std::move(requirements)).to_string();
}

}  // namespace orkest::model
