#include "schema/payload_validator.hpp"

#include "base/error.hpp"
#include "base/text.hpp"
#include "payload/events.hpp"
#include "payload/scan.hpp"
#include "schema/event_schema.hpp"

#include <fmt/format.h>
#include <functional>
#include <map>
#include <mutex>
#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/schema.h>
// GCC 12 at -O3 sees a string replace in valijson's JSON pointer code as an overlapping copy (a
// false -Wrestrict, GCC bug 105329), in code linkhook does not change.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace linkhook {

namespace {

// valijson's context of an error ("<root>", "[data]", "[0]") as a JSON pointer ("/data/0").
std::string json_pointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (const auto& step : context) {
    if (step == "<root>") {
      continue;
    }
    pointer += '/';
    const auto name = step.size() >= 2 && step.front() == '[' && step.back() == ']'
                          ? step.substr(1, step.size() - 2)
                          : step;
    for (const char c : name) {
      pointer += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    }
  }
  return pointer;
}

// valijson's descriptions end with a full stop; a line says it once.
std::string sentence(std::string text) {
  while (!text.empty() && (text.back() == '.' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// Calls `visit` on `schema` and on each schema inside it, as event_schema nests them.
void for_each_schema(Schema& schema, const std::function<void(Schema&)>& visit) {
  if (!schema.is_object()) {
    return;
  }
  visit(schema);
  if (const auto properties = schema.find("properties"); properties != schema.end()) {
    for (auto& property : *properties) {
      for_each_schema(property, visit);
    }
  }
  if (const auto items = schema.find("items"); items != schema.end()) {
    for_each_schema(*items, visit);
  }
  if (const auto any = schema.find("anyOf"); any != schema.end()) {
    for (auto& alternative : *any) {
      for_each_schema(alternative, visit);
    }
  }
}

// valijson checks a date-time format with a regular expression it compiles at every check, which
// took nearly all of the time; the schemas give the same expression as a pattern, which it
// compiles once. The other formats it does not check: the patterns beside them do.
Schema for_valijson(Schema schema) {
  for_each_schema(schema, [](Schema& node) { node.erase("format"); });
  return schema;
}

// The schema as RapidJSON's validator reads it (draft-04): a "const" as an "enum" of its one
// value, which means the same; no "format" (the patterns check them) and no "$schema" or "$id".
// Throws Error when a pattern is one RapidJSON cannot read: it would skip the check, not fail it.
Schema for_rapidjson(Schema schema) {
  schema.erase("$schema");
  schema.erase("$id");
  for_each_schema(schema, [](Schema& node) {
    node.erase("format");
    if (const auto value = node.find("const"); value != node.end()) {
      node["enum"] = Schema::array({*value});
      node.erase("const");
    }
    if (const auto pattern = node.find("pattern"); pattern != node.end()) {
      const auto& text = pattern->get_ref<const std::string&>();
      if (!rapidjson::internal::Regex(text.c_str()).IsValid()) {
        throw Error(fmt::format("RapidJSON cannot read the pattern {}", text), ExitCode::failed);
      }
    }
  });
  return schema;
}

// An error that only says an inner one failed ("Failed to validate against schema associated
// with property name 'data'"): the inner one says more.
bool wraps_another(const std::string& description) {
  return description.starts_with("Failed to validate against schema associated with") ||
         description.starts_with("Failed to validate item #") ||
         description.starts_with("Failed to validate against child schema");
}

// The JSON pointer's steps, unescaped.
std::vector<std::string> steps_of(const std::string& pointer) {
  std::vector<std::string> steps;
  for (std::size_t at = 1; at <= pointer.size() && !pointer.empty();) {
    const auto next = std::min(pointer.find('/', at), pointer.size());
    std::string step;
    for (auto i = at; i < next; ++i) {
      if (pointer[i] == '~' && i + 1 < next) {
        step += pointer[++i] == '1' ? '/' : '~';
      } else {
        step += pointer[i];
      }
    }
    steps.push_back(std::move(step));
    at = next + 1;
  }
  return steps;
}

// The schema of the value at `pointer`, and its place in the schema's order of fields (the
// order generate prints them in): the first violation is the one that comes first there.
std::pair<const Schema*, std::vector<std::size_t>> schema_at(const Schema& root,
                                                             const std::string& pointer) {
  const Schema* node = &root;
  std::vector<std::size_t> place;
  for (const auto& step : steps_of(pointer)) {
    if (const auto properties = node->find("properties"); properties != node->end()) {
      std::size_t index = 0;
      const Schema* found = nullptr;
      for (const auto& [key, value] : properties->items()) {
        if (key == step) {
          found = &value;
          break;
        }
        ++index;
      }
      place.push_back(index);
      if (found == nullptr) {
        return {nullptr, place};
      }
      node = found;
    } else if (const auto items = node->find("items"); items != node->end()) {
      place.push_back(static_cast<std::size_t>(std::atoll(step.c_str())));
      node = &*items;
    } else {
      return {nullptr, place};
    }
  }
  return {node, place};
}

std::string type_name(const nlohmann::json& value) {
  if (value.is_number_integer() || value.is_number_unsigned()) {
    return "an integer";
  }
  if (value.is_number()) {
    return "a number";
  }
  const std::string_view name = value.type_name();
  return fmt::format("{} {}", name == "object" || name == "array" ? "an" : "a", name);
}

// What a value is, in a message: short, one line.
std::string shown(const nlohmann::json& value) {
  auto text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > 60) {
    text.resize(57);
    text.append("...");
  }
  return text;
}

// The violation in words, from the schema's constraint and the value there.
std::string explain(const std::string& description, const Schema* schema,
                    const nlohmann::json* value, const std::string& event) {
  if (description.starts_with("Missing required property")) {
    return fmt::format("missing: every {} payload has it", event);
  }
  if (schema == nullptr || value == nullptr) {
    return sentence(description);
  }
  if (description.starts_with("Value type not permitted")) {
    const auto expected = schema->value("type", std::string("other"));
    const bool vowel = std::string_view("aeiou").find(expected.front()) != std::string::npos;
    return fmt::format("{} is {}, not {} {}", shown(*value), type_name(*value), vowel ? "an" : "a",
                       expected);
  }
  if (description.starts_with("Failed to match regex")) {
    // The pattern beside a format checks it: say which format.
    const auto format = schema->value("format", "");
    if (format == "date-time") {
      return fmt::format("{} is not a date-time (RFC 3339: 2025-10-19T10:30:00Z)", shown(*value));
    }
    if (format == "email") {
      return fmt::format("{} is not an e-mail address", shown(*value));
    }
    if (schema->contains("anyOf")) { // ipv4 or ipv6
      return fmt::format("{} is not an IP address", shown(*value));
    }
    return fmt::format("{} does not match {}", shown(*value), schema->value("pattern", ""));
  }
  if (description.starts_with("Failed to match against any enum")) {
    std::string options;
    for (const auto& option : schema->value("enum", Schema::array())) {
      options.append(options.empty() ? "" : ", ").append(option.dump());
    }
    return fmt::format("{} is not one of {}", shown(*value), options);
  }
  if (description.starts_with("Failed to match expected value set by 'const'")) {
    return fmt::format("{} is not {}", shown(*value), schema->value("const", Schema()).dump());
  }
  return fmt::format("{}: {}", shown(*value), sentence(description));
}

} // namespace

// The 13 schemas as RapidJSON compiled them, for one thread at a time: RapidJSON 1.1's compiled
// patterns keep their matching state in themselves.
class RapidSchemas {
public:
  explicit RapidSchemas(const std::vector<std::string>& texts) : m_events(texts.size()) {
    for (std::size_t i = 0; i < texts.size(); ++i) {
      m_events[i].document.Parse(texts[i].c_str());
      m_events[i].compiled = std::make_unique<rapidjson::SchemaDocument>(m_events[i].document);
    }
  }
  const rapidjson::SchemaDocument& operator[](std::size_t index) const {
    return *m_events[index].compiled;
  }

private:
  struct Event {
    rapidjson::Document document;
    std::unique_ptr<rapidjson::SchemaDocument> compiled;
  };
  std::vector<Event> m_events;
};

struct PayloadValidator::Schemas {
  struct Event {
    Schema document; // as event_schema gives it: the order of its fields, its constraints
    valijson::Schema compiled;
    std::size_t index = 0; // in rapid_texts and in a RapidSchemas
  };
  std::map<std::string, Event, std::less<>> by_event;
  std::vector<std::string> rapid_texts; // for_rapidjson() of each event's schema

  // RapidSchemas for the threads that check at once: each takes one, and gives it back.
  std::mutex mutex;
  std::vector<std::unique_ptr<RapidSchemas>> idle;

  class Lease {
  public:
    explicit Lease(Schemas& owner) : m_owner(owner) {
      {
        const std::lock_guard lock(owner.mutex);
        if (!owner.idle.empty()) {
          m_schemas = std::move(owner.idle.back());
          owner.idle.pop_back();
        }
      }
      if (!m_schemas) {
        m_schemas = std::make_unique<RapidSchemas>(owner.rapid_texts);
      }
    }
    ~Lease() {
      const std::lock_guard lock(m_owner.mutex);
      m_owner.idle.push_back(std::move(m_schemas));
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    const RapidSchemas& operator*() const { return *m_schemas; }

  private:
    Schemas& m_owner;
    std::unique_ptr<RapidSchemas> m_schemas;
  };
};

std::string describe(const Violation& violation) {
  return violation.pointer.empty() ? violation.message
                                   : fmt::format("{}: {}", violation.pointer, violation.message);
}

PayloadValidator::PayloadValidator() : m_schemas(std::make_unique<Schemas>()) {
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  for (const auto& event : events()) {
    auto& entry = m_schemas->by_event[std::string(event.name)];
    entry.document = event_schema(event);
    const auto document = for_valijson(entry.document);
    parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(document), entry.compiled);
    entry.index = m_schemas->rapid_texts.size();
    m_schemas->rapid_texts.push_back(for_rapidjson(entry.document).dump());
  }
}

PayloadValidator::~PayloadValidator() = default;

std::optional<Violation> PayloadValidator::check(const nlohmann::json& payload) const {
  if (!payload.is_object()) {
    return Violation{"", "", "a payload is a JSON object"};
  }
  const auto name = payload.find("event");
  if (name == payload.end() || !name->is_string()) {
    return Violation{"", "/event", "missing: a payload's \"event\" names its event"};
  }
  const auto& event = name->get_ref<const std::string&>();
  const auto schema = m_schemas->by_event.find(event);
  if (schema == m_schemas->by_event.end()) {
    return Violation{
        event, "/event",
        fmt::format("'{}' is not one of the events (linkhook events)", printable(event))};
  }
  // valijson keeps compiled patterns in its validator: one per thread.
  thread_local valijson::Validator validator;
  const valijson::adapters::NlohmannJsonAdapter target(payload);
  const auto& compiled = schema->second.compiled;
  if (validator.validate(compiled, target, nullptr)) {
    return std::nullopt;
  }
  // Invalid: again, keeping every error, to name the first in the order of the fields.
  valijson::ValidationResults results;
  validator.validate(compiled, target, &results);
  std::optional<std::pair<std::vector<std::size_t>, Violation>> first;
  for (valijson::ValidationResults::Error error; results.popError(error);) {
    if (wraps_another(error.description)) {
      continue;
    }
    auto pointer = json_pointer(error.context);
    // "Missing required property 'click'": the pointer names the property.
    if (const auto quote = error.description.find('\'');
        error.description.starts_with("Missing") && quote != std::string::npos) {
      pointer.append("/").append(error.description, quote + 1,
                                 error.description.rfind('\'') - quote - 1);
    }
    const auto [node, place] = schema_at(schema->second.document, pointer);
    if (first && first->first <= place) {
      continue;
    }
    const auto located = nlohmann::json::json_pointer(pointer);
    const auto* value = payload.contains(located) ? &payload.at(located) : nullptr;
    first.emplace(place, Violation{event, pointer, explain(error.description, node, value, event)});
  }
  if (!first) {
    return Violation{event, "", "does not match its schema"};
  }
  return std::move(first->second);
}

bool PayloadValidator::conforms(std::string_view text, std::string* event) const {
  auto scan = scan_payload(text);
  const auto schema = m_schemas->by_event.find(scan.event);
  if (!scan.json || schema == m_schemas->by_event.end()) {
    return false;
  }
  // Read and checked in one pass, without a tree: RapidJSON's validator takes the reader's
  // events as they come.
  const Schemas::Lease schemas(*m_schemas);
  rapidjson::SchemaValidator validator((*schemas)[schema->second.index]);
  rapidjson::MemoryStream input(text.data(), text.size());
  rapidjson::Reader reader;
  const auto read = reader.Parse<rapidjson::kParseValidateEncodingFlag>(input, validator);
  if (read.IsError() || !validator.IsValid()) {
    return false;
  }
  if (event != nullptr) {
    *event = std::move(scan.event);
  }
  return true;
}

std::optional<Violation> PayloadValidator::check(std::string_view text) const {
  if (conforms(text)) {
    return std::nullopt;
  }
  const auto payload = nlohmann::json::parse(text, nullptr, false);
  if (payload.is_discarded()) {
    return Violation{"", "", "not JSON"};
  }
  return check(payload);
}

} // namespace linkhook
