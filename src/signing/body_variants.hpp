#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace linkhook {

// A byte string the signed body may have been before something changed it, and what changed.
struct BodyVariant {
  std::string body;
  std::string description; // "re-serialised as compact JSON", "with its final newline removed"
};

// The classic reason a genuine delivery fails to verify is that the receiver checks bytes other
// than the ones that were signed: a framework parsed the JSON body and serialised it again, or a
// tool added or dropped a final newline. These are the bodies such handling would have turned
// into `body` when applied to it again: JSON re-serialised in the common styles (compact, Python's
// default separators, 2- and 4-space indents; keys as they are or sorted; non-ASCII escaped or
// not; with or without a final newline), and `body` with its final newline added or removed.
// Bodies that equal `body` are left out; JSON nested deeper than is plausible is not re-serialised.
std::vector<BodyVariant> body_variants(std::string_view body);

} // namespace linkhook
