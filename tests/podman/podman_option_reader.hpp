#pragma once
// Reads a podman command line the way podman's flag parser (cobra/pflag) does, so tests and the
// fuzzer can check where each word of a built command lands: a word starting with '-' before
// the end of the options is an option; `--name=value` carries its value in the same word; a
// separate `--name value` takes the next word as the value whatever it looks like; `--` ends the
// options and everything after it is positional (the image, then its arguments).

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace orkest::podman::testing {

struct read_command {
  std::string subcommand;
  std::vector<std::pair<std::string, std::string>> options;  // name (with dashes), value
  std::vector<std::string> positionals;
  std::string error;  // non-empty: a word podman would take for an option orkest never writes
};

inline read_command read_like_podman(const std::vector<std::string>& words) {
  // The options orkest's builders write, each with a value; the boolean ones take none.
  static const std::set<std::string> with_value = {"--name",        "--restart", "--pull",      "--hostname",
                                                   "--network",     "--ip",      "--network-alias", "--dns",
                                                   "--dns-search",  "--label",   "--env",       "--entrypoint",
                                                   "--tail",        "--since",   "--until",     "--filter",
                                                   "--format"};
  static const std::set<std::string> boolean = {"--detach", "--follow", "--timestamps", "--all", "--quiet",
                                                "--no-trunc"};
  read_command out;
  if (words.empty()) {
    out.error = "no subcommand";
    return out;
  }
  out.subcommand = words[0];
  std::size_t i = 1;
  for (; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word == "--") {
      ++i;
      break;
    }
    if (word.empty() || word[0] != '-') break;  // the first positional ends the options (run, create)
    const auto equals = word.find('=');
    const std::string name = word.substr(0, equals);
    if (equals != std::string::npos && with_value.count(name)) {
      out.options.emplace_back(name, word.substr(equals + 1));
    } else if (equals == std::string::npos && boolean.count(name)) {
      out.options.emplace_back(name, "");
    } else if (equals == std::string::npos && with_value.count(name) && i + 1 < words.size()) {
      out.options.emplace_back(name, words[++i]);
    } else {
      out.error = "word " + std::to_string(i) + " (\"" + word + "\") is read as an option";
      return out;
    }
  }
  out.positionals.assign(words.begin() + static_cast<std::ptrdiff_t>(std::min(i, words.size())), words.end());
  return out;
}

// The values of every occurrence of `name`, in order.
inline std::vector<std::string> values_of(const read_command& command, const std::string& name) {
  std::vector<std::string> values;
  for (const auto& [option, value] : command.options)
    if (option == name) values.push_back(value);
  return values;
}

}  // namespace orkest::podman::testing
