#pragma once

#include "payload/events.hpp"

#include <nlohmann/json.hpp>

// The events as a contract: a JSON Schema (draft-07) per event, derived from its fixture and the
// kinds of its placeholders (fixtures/README.md), so that it can never drift from what `generate`
// prints. Every field of the fixture is required; a placeholder's kind gives its type, format,
// pattern or enum (a value from a fixed set: a device, a plan, a reason); a literal is a const.
namespace linkhook {

using Schema = nlohmann::ordered_json;

inline constexpr std::string_view k_schema_draft = "http://json-schema.org/draft-07/schema#";

// The schema of `event`'s payload, titled with its name and described with its description.
Schema event_schema(const EventInfo& event);

// {EVENT: schema, ...} for the 13 events, in the order of the event list.
Schema all_event_schemas();

// An AsyncAPI 3.0 document of the 13 events as one webhook API: a channel that receives them,
// each a message with its signature headers and its payload's schema.
Schema asyncapi_document(std::string_view version);

} // namespace linkhook
