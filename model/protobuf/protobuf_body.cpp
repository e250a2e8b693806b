#include "model/protobuf/protobuf_body.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

#include "model/base64.hpp"
#include "model/body_decoder.hpp"
#include "model/protobuf/k8s_descriptors.hpp"
#include "model/utf8_text.hpp"

namespace orkest::model::protobuf {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::io::CodedInputStream;
using google::protobuf::internal::WireFormatLite;
using nlohmann::json;

constexpr std::string_view envelope_magic{"k8s\0", 4};
// Go's zero time.Time as Unix seconds: Kubernetes writes it for an unset creationTimestamp.
constexpr std::int64_t go_zero_time = -62135596800;
// 0001-01-01 .. 9999-12-31, the years RFC 3339 can write.
constexpr std::int64_t latest_rfc3339_second = 253402300799;

struct decode_failure {
  std::string message;
};

// Where a value sits in the decoded object, for messages: "spec.template.spec.containers[0]".
std::string member_path(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "." + name;
}

std::string field_label(const FieldDescriptor& field, const std::string& path) {
  return "field " + std::to_string(field.number()) + " (" + field.name() + ") of " + field.containing_type()->full_name() +
         (path.empty() ? "" : " at " + path);
}

bool is_zero(const json& value) {
  return (value.is_string() && value.get_ref<const std::string&>().empty()) || (value.is_boolean() && !value.get<bool>()) ||
         (value.is_number() && value == 0);
}

WireFormatLite::WireType expected_wire_type(const FieldDescriptor& field) {
  switch (field.type()) {
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_BOOL:
      return WireFormatLite::WIRETYPE_VARINT;
    default:
      return WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
  }
}

// Walks the wire format of one message by its descriptor. Each value is checked as it is read:
// a truncated or mistyped field, a field orkest has no definition for, a singular field given
// twice and text that is not UTF-8 all stop the walk with a message naming the field.
class wire_walker {
 public:
  wire_walker(std::string_view bytes, bool bytes_as_base64)
      : input_(reinterpret_cast<const std::uint8_t*>(bytes.data()), static_cast<int>(bytes.size())),
        bytes_as_base64_(bytes_as_base64) {
    input_.SetRecursionLimit(static_cast<int>(max_nesting_depth));
  }

  std::variant<json, decode_failure> object(const Descriptor& type) {
    json result = json::object();
    if (!message(type, "", 1, result)) return *failure_;
    return result;
  }

 private:
  bool fail(std::string message) {
    if (!failure_) failure_ = decode_failure{std::move(message)};
    return false;
  }

  // Reads fields until the current limit (the end of the message) into `out`.
  bool message(const Descriptor& type, const std::string& path, std::size_t depth, json& out) {
    if (depth > max_nesting_depth) return fail("the object is nested more than " + std::to_string(max_nesting_depth) + " deep at " + path);
    while (input_.BytesUntilLimit() != 0) {
      const std::uint32_t tag = input_.ReadTag();
      if (tag == 0)
        return fail("invalid field tag in " + type.full_name() + (path.empty() ? "" : " at " + path));
      const int number = WireFormatLite::GetTagFieldNumber(tag);
      const auto wire_type = WireFormatLite::GetTagWireType(tag);
      const FieldDescriptor* field = type.FindFieldByNumber(number);
      if (!field)
        return fail("field " + std::to_string(number) + " of " + type.full_name() + (path.empty() ? "" : " at " + path) +
                    ": orkest does not decode this field");
      if (!field_value(*field, wire_type, path, depth, out)) return false;
    }
    return true;
  }

  // `path` is where the field's message sits; errors name the field's own place below it.
  bool field_value(const FieldDescriptor& field, WireFormatLite::WireType wire_type, const std::string& path,
                   std::size_t depth, json& out) {
    const std::string name = field.json_name();
    const bool inline_members = name == "$inline";
    const std::string own_path = inline_members ? path : member_path(path, name);
    const bool packed = field.is_repeated() && expected_wire_type(field) == WireFormatLite::WIRETYPE_VARINT &&
                        wire_type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    if (wire_type != expected_wire_type(field) && !packed)
      return fail(field_label(field, own_path) + ": wire type " + std::to_string(wire_type) + " where " +
                  std::to_string(expected_wire_type(field)) + " belongs");
    if (field.is_map()) return map_entry(field, own_path, depth, out[name]);
    if (field.is_repeated()) {
      json& list = out[name];
      if (list.is_null()) list = json::array();
      if (packed) return packed_values(field, own_path, list);
      json item;
      if (!value(field, own_path + "[" + std::to_string(list.size()) + "]", depth, item)) return false;
      list.push_back(std::move(item));
      return true;
    }
    if (!inline_members && out.contains(name)) return fail(field_label(field, own_path) + ": given twice");
    json single;
    if (!value(field, own_path, depth, single)) return false;
    if (single.is_null()) return true;  // a zero Time: Kubernetes' JSON has null, orkest omits it
    if (inline_members) {
      for (auto& [member, member_value] : single.items()) {
        if (out.contains(member)) return fail(field_label(field, own_path) + ": " + member + " given twice");
        out[member] = std::move(member_value);
      }
      return true;
    }
    // Kubernetes writes plain (non-pointer) Go values even when zero; its JSON omits them.
    if (!field.has_presence() && field.type() != FieldDescriptor::TYPE_MESSAGE && is_zero(single)) return true;
    out[name] = std::move(single);
    return true;
  }

  bool packed_values(const FieldDescriptor& field, const std::string& path, json& list) {
    std::uint32_t length = 0;
    if (!input_.ReadVarint32(&length)) return fail(field_label(field, path) + ": truncated length");
    if (static_cast<int>(length) > input_.BytesUntilLimit() && input_.BytesUntilLimit() >= 0)
      return fail(field_label(field, path) + ": length " + std::to_string(length) + " runs past the end of its message");
    const auto limit = input_.PushLimit(static_cast<int>(length));
    while (input_.BytesUntilLimit() > 0) {
      json item;
      if (!scalar(field, path, item)) return false;
      list.push_back(std::move(item));
    }
    input_.PopLimit(limit);
    return true;
  }

  bool scalar(const FieldDescriptor& field, const std::string& path, json& out) {
    std::uint64_t number = 0;
    if (!input_.ReadVarint64(&number)) return fail(field_label(field, path) + ": truncated number");
    switch (field.type()) {
      case FieldDescriptor::TYPE_INT32:
        out = static_cast<std::int32_t>(number);
        return true;
      case FieldDescriptor::TYPE_INT64:
        out = static_cast<std::int64_t>(number);
        return true;
      default:
        out = number != 0;
        return true;
    }
  }

  bool value(const FieldDescriptor& field, const std::string& path, std::size_t depth, json& out) {
    if (expected_wire_type(field) == WireFormatLite::WIRETYPE_VARINT) return scalar(field, path, out);
    std::uint32_t length = 0;
    if (!input_.ReadVarint32(&length)) return fail(field_label(field, path) + ": truncated length");
    if (static_cast<std::int64_t>(length) > input_.BytesUntilLimit())
      return fail(field_label(field, path) + ": length " + std::to_string(length) + " runs past the end of its message");
    if (field.type() == FieldDescriptor::TYPE_STRING) {
      std::string text;
      if (!input_.ReadString(&text, static_cast<int>(length))) return fail(field_label(field, path) + ": truncated text");
      if (auto bad = first_invalid_utf8(text))
        return fail(field_label(field, path) + ": not valid UTF-8 at byte " + std::to_string(*bad));
      out = std::move(text);
      return true;
    }
    if (field.type() == FieldDescriptor::TYPE_BYTES) {
      std::string bytes;
      if (!input_.ReadString(&bytes, static_cast<int>(length))) return fail(field_label(field, path) + ": truncated bytes");
      // As Kubernetes' JSON writes []byte (Secret data): base64. The envelope's raw stays bytes.
      if (bytes_as_base64_) out = base64_encode(bytes);
      else out = json::binary(json::binary_t::container_type(bytes.begin(), bytes.end()));
      return true;
    }
    const auto limit = input_.PushLimit(static_cast<int>(length));
    json object = json::object();
    if (!message(*field.message_type(), path, depth + 1, object)) return false;
    input_.PopLimit(limit);
    return special_form(field, path, std::move(object), out);
  }

  // Time, MicroTime, IntOrString and Quantity have a JSON form of their own.
  bool special_form(const FieldDescriptor& field, const std::string& path, json object, json& out) {
    const std::string& type = field.message_type()->full_name();
    if (type == "k8s.io.apimachinery.pkg.apis.meta.v1.Time" || type == "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime")
      return timestamp(field, path, object, type.find("MicroTime") != std::string::npos, out);
    if (type == "k8s.io.apimachinery.pkg.util.intstr.IntOrString") {
      const auto kind = object.value("type", std::int64_t{0});
      if (kind == 0) out = object.value("intVal", 0);
      else if (kind == 1) out = object.value("strVal", std::string());
      else return fail(field_label(field, path) + ": IntOrString type " + std::to_string(kind) + " is neither 0 (int) nor 1 (string)");
      return true;
    }
    if (type == "k8s.io.apimachinery.pkg.api.resource.Quantity") {
      out = object.value("string", std::string());
      return true;
    }
    out = std::move(object);
    return true;
  }

  bool timestamp(const FieldDescriptor& field, const std::string& path, const json& object, bool micro, json& out) {
    const auto seconds = object.value("seconds", std::int64_t{0});
    const auto nanos = object.value("nanos", std::int64_t{0});
    if (object.empty() || (seconds == go_zero_time && nanos == 0)) return true;  // unset: out stays null
    if (seconds < go_zero_time || seconds > latest_rfc3339_second || nanos < 0 || nanos > 999'999'999)
      return fail(field_label(field, path) + ": time " + std::to_string(seconds) + "s " + std::to_string(nanos) +
                  "ns is outside 0001-01-01..9999-12-31");
    const std::time_t whole = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&whole, &utc);
    char text[40];
    const std::size_t used = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    std::string result(text, used);
    if (micro) {
      char fraction[16];
      std::snprintf(fraction, sizeof fraction, ".%06lld", static_cast<long long>(nanos / 1000));
      result += fraction;
    }
    out = result + "Z";
    return true;
  }

  bool map_entry(const FieldDescriptor& field, const std::string& path, std::size_t depth, json& map) {
    if (map.is_null()) map = json::object();
    json entry;
    if (!value(field, path, depth, entry)) return false;
    const json* key = entry.is_object() ? &entry["key"] : nullptr;
    const std::string key_text = key && key->is_string() ? key->get<std::string>() : std::string();
    // A zero value is dropped above like any plain field; in a map it is the value itself.
    json entry_value = entry.contains("value") ? entry["value"] : json(entry_default(field));
    map[key_text] = std::move(entry_value);
    return true;
  }

  // The value of a map entry that omits it: "" for text, "0" for a Quantity (never written so).
  static json entry_default(const FieldDescriptor& map_field) {
    const FieldDescriptor* value_field = map_field.message_type()->FindFieldByName("value");
    if (value_field && value_field->type() == FieldDescriptor::TYPE_MESSAGE) return "0";
    return "";
  }

  CodedInputStream input_;
  const bool bytes_as_base64_;
  std::optional<decode_failure> failure_;
};

api_error protobuf_error(const std::string& message) { return bad_request("invalid protobuf body: " + message); }

}  // namespace

std::variant<json, api_error> decode_protobuf_body(std::string_view body) {
  if (body.substr(0, envelope_magic.size()) != envelope_magic)
    return protobuf_error("it does not start with Kubernetes' envelope (the 4 bytes \"k8s\\0\")");
  body.remove_prefix(envelope_magic.size());
  const Descriptor* unknown = k8s_descriptors().FindMessageTypeByName("k8s.io.apimachinery.pkg.runtime.Unknown");
  auto walked = wire_walker(body, false).object(*unknown);
  if (auto* failure = std::get_if<decode_failure>(&walked)) return protobuf_error("envelope: " + failure->message);
  const json& envelope = std::get<json>(walked);
  const json type_meta = envelope.value("typeMeta", json::object());
  const std::string api_version = type_meta.value("apiVersion", "");
  const std::string kind = type_meta.value("kind", "");
  if (api_version.empty() || kind.empty())
    return protobuf_error("the envelope's typeMeta (field 1 of k8s.io.apimachinery.pkg.runtime.Unknown) names no apiVersion and kind");
  if (const auto encoding = envelope.value("contentEncoding", ""); !encoding.empty())
    return protobuf_error("the envelope's contentEncoding \"" + encoding + "\" is not supported; send the object unencoded");
  if (const auto type = envelope.value("contentType", ""); !type.empty() && type != media_type)
    return protobuf_error("the envelope's contentType \"" + type + "\" is not " + std::string(media_type));
  const Descriptor* message = message_for_kind(api_version, kind);
  if (!message) return protobuf_error("orkest has no protobuf definition of " + api_version + " " + kind + "; send it as JSON");
  std::string raw;
  if (auto found = envelope.find("raw"); found != envelope.end() && found->is_binary())
    raw.assign(found->get_binary().begin(), found->get_binary().end());
  auto object = wire_walker(raw, true).object(*message);
  if (auto* failure = std::get_if<decode_failure>(&object)) return protobuf_error(failure->message);
  json result = {{"apiVersion", api_version}, {"kind", kind}};
  result.update(std::get<json>(object));
  return result;
}

}  // namespace orkest::model::protobuf
