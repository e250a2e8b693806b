// libFuzzer target over request decoding, the path every request body takes before the store
// commits it: body bytes + Content-Type -> decode_body -> expand_shorthands -> apply_defaults
// -> validate, for every kind; plus strategic and JSON merge patches of the decoded value onto
// itself and the label selector parsers (?labelSelector= text and LabelSelector objects).
//
// Input format (so the seed corpus stays readable): the first line is the Content-Type, the
// rest is the body; an input without a newline is a JSON body. Every line is also parsed as a
// ?labelSelector= string.
//
// What counts as a failure besides crashes and sanitizer reports:
// - any exception escaping the model layer (validation promises causes, never exceptions);
// - decode errors other than 400 BadRequest / 415 UnsupportedMediaType, or without a message;
// - a decoded value that is not an object or an array;
// - a decoded or defaulted object that does not serialise as strict UTF-8 JSON (the HTTP layer
//   would have to replace bytes of stored objects);
// - validation causes without a reason, field or message;
// - a parsed label selector whose canonical string does not parse back to itself;
// - for a valid Pod, a podman command line (create and run) where a value from the pod stands
//   where podman reads an option, or the image and arguments are not the pod's own.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "control/container_spec_for_pod.hpp"
#include "model/body_decoder.hpp"
#include "model/defaults.hpp"
#include "model/label_selector.hpp"
#include "model/resource_kind.hpp"
#include "model/shorthand.hpp"
#include "model/strategic_merge.hpp"
#include "model/validation.hpp"
#include "podman/podman_args.hpp"
#include "tests/podman/podman_option_reader.hpp"

namespace {

using nlohmann::json;
using namespace orkest::model;

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "request_decoding_fuzzer: %s: %s\n", what, detail.c_str());
  std::abort();
}

// Strict serialisation: throws (-> abort) on invalid UTF-8 in any string.
void require_strict_utf8(const json& value, const char* stage) {
  try {
    (void)value.dump();
  } catch (const json::type_error& error) {
    fail(stage, std::string("does not serialise as UTF-8 JSON: ") + error.what());
  }
}

void check_error(const api_error& error, const char* stage) {
  if (error.code != 400 && error.code != 415) fail(stage, "unexpected status code " + std::to_string(error.code));
  if (error.message.empty() || error.reason.empty()) fail(stage, "error without reason or message");
  (void)to_status_json(error).dump(-1, ' ', false, json::error_handler_t::replace);
}

void check_selector_text(std::string_view text) {
  auto parsed = label_selector::parse(text);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    if (error->empty()) fail("label_selector::parse", "error without a message");
    return;
  }
  const auto& selector = std::get<label_selector>(parsed);
  const std::string canonical = selector.to_string();
  auto again = label_selector::parse(canonical);
  if (auto* error = std::get_if<std::string>(&again))
    fail("label_selector round trip", "\"" + canonical + "\" does not parse back: " + *error);
  if (std::get<label_selector>(again).to_string() != canonical)
    fail("label_selector round trip", "\"" + canonical + "\" is not canonical");
  (void)selector.matches({{"app", "health"}, {"tier", "web"}});
}

void check_selector_object(const json& selector) {
  auto parsed = label_selector::from_json(selector);
  auto errors = selector_errors(selector, "spec.selector");
  // from_json and validation share selector_errors: they must agree on what is valid.
  if (std::holds_alternative<label_selector>(parsed) != errors.empty())
    fail("label_selector::from_json", "disagrees with selector_errors on " +
                                          selector.dump(-1, ' ', false, json::error_handler_t::replace));
  if (auto* selector_value = std::get_if<label_selector>(&parsed)) check_selector_text(selector_value->to_string());
}

// What the pod actor would ask podman for this pod, read back as podman's flag parser reads it.
void check_podman_arguments(const json& pod) {
  const auto spec = orkest::control::container_spec_for(pod, "orkest", "10.96.0.10", "cluster.local");
  for (const auto& words : {orkest::podman::create_args(spec), orkest::podman::run_args(spec)}) {
    const auto read = orkest::podman::testing::read_like_podman(words);
    if (!read.error.empty()) fail("podman arguments", read.error);
    if (read.positionals.empty() || read.positionals[0] != spec.image)
      fail("podman arguments", "the image \"" + spec.image + "\" is not the first positional");
    if (std::vector<std::string>(read.positionals.begin() + 1, read.positionals.end()) != spec.args)
      fail("podman arguments", "the container's args are not the positionals after the image");
  }
}

void run_kind(const resource_kind& kind, const json& decoded) {
  json object = decoded;
  expand_shorthands(kind, object);
  apply_defaults(kind, object);
  require_strict_utf8(object, "defaulted object");
  const auto causes = validate(kind, object);
  for (const auto& cause : causes)
    if (cause.reason.empty() || cause.field.empty() || cause.message.empty())
      fail("validate", "incomplete cause {" + cause.reason + ", " + cause.field + ", " + cause.message + "}");
  if (causes.empty() && kind.kind == "Pod") check_podman_arguments(object);
  if (object.is_object() && object.contains("metadata") && object["metadata"].is_object() &&
      object["metadata"].contains("labels"))
    (void)label_errors(object["metadata"]["labels"], "metadata.labels");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  const std::string_view content_type = newline == std::string_view::npos ? "application/json" : input.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos ? input : input.substr(newline + 1);

  for (std::size_t start = 0; start <= input.size();) {
    auto end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    check_selector_text(input.substr(start, end - start));
    start = end + 1;
  }

  auto decoded = decode_body(body, content_type);
  if (auto* error = std::get_if<api_error>(&decoded)) {
    check_error(*error, "decode_body");
    return 0;
  }
  const json& value = std::get<json>(decoded);
  if (!value.is_object() && !value.is_array()) fail("decode_body", std::string("decoded a ") + value.type_name());
  require_strict_utf8(value, "decoded body");

  if (value.is_object()) {
    for (const auto& kind : all_kinds()) run_kind(kind, value);
    const json* spec = value.contains("spec") && value["spec"].is_object() ? &value["spec"] : nullptr;
    if (spec && spec->contains("selector")) check_selector_object((*spec)["selector"]);
    check_selector_object(value);
    json merged = strategic_merge(value, value);
    require_strict_utf8(merged, "strategic merge");
    json patched = value;
    patched.merge_patch(value);
  }
  return 0;
}
