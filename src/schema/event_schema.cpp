#include "schema/event_schema.hpp"

#include "base/error.hpp"
#include "payload/placeholder.hpp"
#include "payload/sample_data.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace linkhook {

namespace {

using Kind = Placeholder::Kind;

constexpr std::string_view k_open = "{{";
constexpr std::string_view k_close = "}}";

// The patterns keep to the part of ECMA-262's syntax that every validator reads, RapidJSON's
// included (the one `validate` decides with): plain groups, no "(?:", no "\s" or "\d".
// An address's form, checked by the pattern where a validator does not check the format.
constexpr std::string_view k_email_pattern = "^[^@ \\t\\r\\n]+@[^@ \\t\\r\\n]+\\.[^@ \\t\\r\\n]+$";
constexpr std::string_view k_ip_pattern = "^[0-9a-fA-F:.]+$";
// RFC 3339's date-time, the format's definition, as a pattern too: days that the month has
// (February 29 in leap years only), then the time and its offset.
constexpr std::string_view k_date_time_pattern =
    "^([0-9]{4}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|"
    "02-(0[1-9]|1[0-9]|2[0-8]))|([0-9]{2}(0[48]|[2468][048]|[13579][26])|"
    "(0[48]|[2468][048]|[13579][26])00)-02-29)[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)"
    "(\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";

// The distinct values of `field` over `items`, in order of first appearance.
template <typename Items, typename Field>
Schema distinct(const Items& items, Field field) {
  auto values = Schema::array();
  for (const auto& item : items) {
    Schema value = field(item);
    if (std::find(values.begin(), values.end(), value) == values.end()) {
      values.push_back(std::move(value));
    }
  }
  return values;
}

Schema text_enum(const Schema& values) {
  return {{"type", "string"}, {"enum", values}};
}

// The client values a placeholder draws from: phones and tablets only for the "mobile" label.
std::span<const sample::Client> clients_of(const Placeholder& slot) {
  return slot.argument == "mobile" ? sample::handheld_clients() : sample::clients();
}

// The schema of a string that is exactly one placeholder.
Schema placeholder_schema(const Placeholder& slot) {
  switch (slot.kind) {
  case Kind::timestamp:
  case Kind::before:
  case Kind::after:
    return {{"type", "string"}, {"format", "date-time"}, {"pattern", k_date_time_pattern}};
  case Kind::code:
    return {{"type", "string"}, {"pattern", "^[a-z0-9]{6}$"}};
  case Kind::token:
    return {{"type", "string"}, {"pattern", "^[a-z0-9]{12}$"}};
  case Kind::integer:
    return {{"type", "integer"}, {"minimum", slot.low}, {"maximum", slot.high}};
  case Kind::pick: {
    auto options = Schema::array();
    for (const auto& escaped : slot.options) {
      options.push_back(Schema::parse(fmt::format("\"{}\"", escaped)));
    }
    return text_enum(options);
  }
  case Kind::ip:
    return {{"type", "string"},
            {"anyOf", Schema::array({{{"format", "ipv4"}}, {{"format", "ipv6"}}})},
            {"pattern", k_ip_pattern}};
  case Kind::country:
    return text_enum(
        distinct(sample::locations(), [](const sample::Location& l) { return l.country; }));
  case Kind::city:
    return text_enum(
        distinct(sample::locations(), [](const sample::Location& l) { return l.city; }));
  case Kind::device:
    return text_enum(distinct(clients_of(slot), [](const sample::Client& c) { return c.device; }));
  case Kind::os:
    return text_enum(distinct(clients_of(slot), [](const sample::Client& c) { return c.os; }));
  case Kind::browser:
    return text_enum(distinct(clients_of(slot), [](const sample::Client& c) { return c.browser; }));
  case Kind::referrer:
  case Kind::url:
    return {{"type", "string"}, {"format", "uri"}, {"pattern", "^https?://"}};
  case Kind::email:
    return {{"type", "string"}, {"format", "email"}, {"pattern", k_email_pattern}};
  case Kind::domain:
    return {{"type", "string"}, {"format", "hostname"}, {"minLength", 1}};
  case Kind::plan_from:
  case Kind::plan_to:
    return text_enum(distinct(sample::plans(), [](std::string_view plan) { return plan; }));
  case Kind::milestone:
    return {{"type", "integer"},
            {"enum",
             distinct(sample::milestones(), [](const sample::Milestone& m) { return m.clicks; })}};
  case Kind::milestone_label:
    return text_enum(
        distinct(sample::milestones(), [](const sample::Milestone& m) { return m.label; }));
  case Kind::user_agent:
  case Kind::first_name:
  case Kind::last_name:
  case Kind::name:
  case Kind::title:
    break;
  }
  return {{"type", "string"}, {"minLength", 1}};
}

// A regular expression for the value of a placeholder inside other text.
std::string placeholder_pattern(const Placeholder& slot) {
  switch (slot.kind) {
  case Kind::code:
    return "[a-z0-9]{6}";
  case Kind::token:
    return "[a-z0-9]{12}";
  case Kind::integer:
  case Kind::milestone:
    return "-?[0-9]+";
  default:
    return ".+";
  }
}

std::string regex_escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

// A string of the fixture: a literal (a const), one placeholder, or text around placeholders
// (a pattern: "click_[a-z0-9]{12}").
Schema string_schema(const std::string& text) {
  const auto first = text.find(k_open);
  if (first == std::string::npos) {
    return {{"const", text}};
  }
  const auto first_end = text.find(k_close, first);
  if (first == 0 && first_end == text.size() - k_close.size()) {
    return placeholder_schema(parse_placeholder(text.substr(2, text.size() - 4)));
  }
  std::string pattern = "^";
  for (std::size_t at = 0; at < text.size();) {
    const auto open = text.find(k_open, at);
    if (open == std::string::npos) {
      pattern += regex_escaped(text.substr(at));
      break;
    }
    const auto close = text.find(k_close, open);
    if (close == std::string::npos) {
      throw Error(fmt::format("fixture string '{}' opens a placeholder it does not close", text));
    }
    pattern += regex_escaped(text.substr(at, open - at));
    pattern += placeholder_pattern(parse_placeholder(text.substr(open + 2, close - open - 2)));
    at = close + k_close.size();
  }
  Schema schema = {{"type", "string"}, {"pattern", pattern + "$"}};
  if (text.starts_with("https://")) {
    schema["format"] = "uri";
  }
  return schema;
}

Schema node_schema(const Schema& node) {
  if (node.is_object()) {
    Schema properties = Schema::object();
    auto required = Schema::array();
    for (const auto& [key, value] : node.items()) {
      properties[key] = node_schema(value);
      required.push_back(key);
    }
    return {{"type", "object"}, {"properties", properties}, {"required", required}};
  }
  if (node.is_array()) {
    // The items' schemas; alike ones once. Literal strings are the values the list holds.
    auto items = Schema::array();
    auto literals = Schema::array();
    for (const auto& item : node) {
      if (item.is_string() && item.get<std::string>().find(k_open) == std::string::npos) {
        literals.push_back(item);
      } else if (const auto schema = node_schema(item);
                 std::find(items.begin(), items.end(), schema) == items.end()) {
        items.push_back(schema);
      }
    }
    if (!literals.empty()) {
      items.push_back(text_enum(literals));
    }
    Schema schema = {{"type", "array"}};
    if (items.size() == 1) {
      schema["items"] = items[0];
    } else if (!items.empty()) {
      schema["items"] = {{"anyOf", items}};
    }
    return schema;
  }
  if (node.is_string()) {
    return string_schema(node.get<std::string>());
  }
  if (node.is_null()) {
    return {{"type", "null"}};
  }
  if (node.is_boolean()) {
    return {{"type", "boolean"}, {"const", node}};
  }
  return {{"type", node.is_number_integer() || node.is_number_unsigned() ? "integer" : "number"},
          {"const", node}};
}

} // namespace

Schema event_schema(const EventInfo& event) {
  const auto fixture = Schema::parse(event.fixture);
  Schema schema = {{"$schema", k_schema_draft},
                   {"$id", fmt::format("urn:linkhook:schema:{}", event.name)},
                   {"title", event.name},
                   {"description", event.description}};
  schema.update(node_schema(fixture));
  return schema;
}

Schema all_event_schemas() {
  Schema all = Schema::object();
  for (const auto& event : events()) {
    all[std::string(event.name)] = event_schema(event);
  }
  return all;
}

Schema asyncapi_document(std::string_view version) {
  const Schema headers = {
      {"type", "object"},
      {"description", "Standard Webhooks signature headers (linkhook sign, linkhook verify)"},
      {"properties",
       {{"webhook-id", {{"type", "string"}, {"description", "The message id, for idempotency"}}},
        {"webhook-timestamp",
         {{"type", "string"}, {"pattern", "^[0-9]+$"}, {"description", "Unix seconds"}}},
        {"webhook-signature",
         {{"type", "string"},
          {"description", "Space-separated v1,BASE64 HMAC-SHA256 signatures of "
                          "id.timestamp.body"}}}}},
      {"required", Schema::array({"webhook-id", "webhook-timestamp", "webhook-signature"})}};
  Schema messages = Schema::object();
  Schema channel_messages = Schema::object();
  Schema schemas = Schema::object();
  auto references = Schema::array();
  for (const auto& event : events()) {
    const std::string name(event.name);
    auto payload = event_schema(event);
    payload.erase("$schema");
    payload.erase("$id");
    schemas[name] = std::move(payload);
    messages[name] = {{"name", name},
                      {"title", name},
                      {"summary", event.description},
                      {"contentType", "application/json"},
                      {"headers", headers},
                      {"payload", {{"$ref", "#/components/schemas/" + name}}}};
    channel_messages[name] = {{"$ref", "#/components/messages/" + name}};
    references.push_back({{"$ref", "#/channels/webhooks/messages/" + name}});
  }
  return {{"asyncapi", "3.0.0"},
          {"info",
           {{"title", "Linkzly webhooks"},
            {"version", version},
            {"description", "The 13 events Linkzly POSTs to a webhook endpoint, signed as "
                            "Standard Webhooks. Written by linkhook schema --asyncapi."}}},
          {"channels",
           {{"webhooks",
             {{"address", "/webhooks"},
              {"description", "The endpoint that receives every event"},
              {"messages", channel_messages}}}}},
          {"operations",
           {{"receiveEvent",
             {{"action", "receive"},
              {"channel", {{"$ref", "#/channels/webhooks"}}},
              {"messages", references}}}}},
          {"components", {{"messages", messages}, {"schemas", schemas}}}};
}

} // namespace linkhook
