#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

// Checks payloads against their event's schema (event_schema.hpp): `validate` and
// `listen --validate`. Two libraries made for it: RapidJSON's validator decides, in one pass over
// the text without building a tree; valijson names the first violation of a payload that fails.
namespace linkhook {

struct Violation {
  std::string event;   // the payload's "event", when it has one
  std::string pointer; // where, as a JSON pointer ("/data/click/ip"); "" for the whole payload
  std::string message; // what is wrong there
};

// "/data/click/ip: ..." (or the message alone for the whole payload).
std::string describe(const Violation& violation);

class PayloadValidator {
public:
  // Parses the 13 schemas once.
  PayloadValidator();
  ~PayloadValidator();
  PayloadValidator(const PayloadValidator&) = delete;
  PayloadValidator& operator=(const PayloadValidator&) = delete;

  // None when the payload is valid against the schema of the event it names; else its first
  // violation (a payload that is not a JSON object, or names no known event, is one too). Safe
  // to call from several threads at once.
  std::optional<Violation> check(const nlohmann::json& payload) const;
  std::optional<Violation> check(std::string_view text) const; // decides with conforms() first

  // Whether `text` is a payload valid against the schema of the event it names (`event`, when
  // given, gets that event). Its verdict is check()'s, without a tree and without a reason: false
  // leaves the reason to check().
  bool conforms(std::string_view text, std::string* event = nullptr) const;

private:
  struct Schemas;
  std::unique_ptr<Schemas> m_schemas;
};

} // namespace linkhook
