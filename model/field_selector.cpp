#include "model/field_selector.hpp"

namespace orkest::model {

namespace {

std::string trim(std::string_view text) {
  auto begin = text.find_first_not_of(' ');
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(' ');
  return std::string(text.substr(begin, end - begin + 1));
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string field_text(const nlohmann::json& object, const std::vector<std::string>& path) {
  const nlohmann::json* current = &object;
  for (const auto& step : path) {
    if (!current->is_object()) return {};
    auto it = current->find(step);
    if (it == current->end()) return {};
    current = &*it;
  }
  if (current->is_string()) return current->get<std::string>();
  if (current->is_null()) return {};
  return current->dump();
}

}  // namespace

std::variant<field_selector, std::string> field_selector::parse(std::string_view text) {
  field_selector selector;
  if (trim(text).empty()) return selector;
  for (const auto& term : split(text, ',')) {
    requirement req;
    auto position = term.find("!=");
    std::size_t operator_length = 2;
    if (position != std::string::npos) {
      req.equals = false;
    } else if ((position = term.find("==")) == std::string::npos) {
      position = term.find('=');
      operator_length = 1;
    }
    if (position == std::string::npos) return "invalid selector: '" + term + "'; can't understand '" + term + "'";
    auto key = trim(std::string_view(term).substr(0, position));
    if (key.empty()) return "invalid selector: '" + term + "': field name is empty";
    req.path = split(key, '.');
    req.value = trim(std::string_view(term).substr(position + operator_length));
    selector.requirements_.push_back(std::move(req));
  }
  return selector;
}

bool field_selector::matches(const nlohmann::json& object) const {
  for (const auto& req : requirements_)
    if ((field_text(object, req.path) == req.value) != req.equals) return false;
  return true;
}

}  // namespace orkest::model
