#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

// Checks payloads against their event's schema (event_schema.hpp), with valijson: `validate` and
// `listen --validate`.
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
  std::optional<Violation> check(std::string_view text) const; // parses it first

private:
  struct Schemas;
  std::unique_ptr<Schemas> m_schemas;
};

} // namespace linkhook
