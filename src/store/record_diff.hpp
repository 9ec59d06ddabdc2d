#pragma once

#include "store/record.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

// `store diff`: what changed between two records. Headers by name (added, removed or changed);
// the body field by field as JSON paths when both are JSON, else the range of bytes that differs.
namespace linkhook {

struct HeaderChange {
  std::string name;
  std::optional<std::string> a; // none: only B has it
  std::optional<std::string> b; // none: only A has it
};

struct FieldChange {
  std::string path; // "data.click.country", "data.tags[2]"; "" for the whole body
  std::optional<nlohmann::ordered_json> a;
  std::optional<nlohmann::ordered_json> b;
};

// Bodies that are not both JSON: [from, a_end) of A differs from [from, b_end) of B; the bytes
// before `from` and after the ends are the same.
struct ByteChange {
  std::size_t from = 0;
  std::size_t a_end = 0;
  std::size_t b_end = 0;
};

struct RecordDiff {
  std::vector<HeaderChange> headers;
  std::vector<FieldChange> fields; // when both bodies are JSON
  std::optional<ByteChange> bytes; // when they are not, and differ

  bool identical() const { return headers.empty() && fields.empty() && !bytes; }
};

RecordDiff diff_records(const StoreRecord& a, const StoreRecord& b);

// One line per change: "  ~ name: A → B", "  + name: B", "  - name: A", under "headers" and
// "body"; "identical" when nothing changed.
std::string describe_diff(const RecordDiff& diff);

// {"identical", "headers": [{"name", "a", "b"}], "body": [{"path", "a", "b"}] or
// {"bytes": {"from", "a_end", "b_end"}}}; a side that lacks the header or field is null.
nlohmann::ordered_json diff_json(const RecordDiff& diff);

} // namespace linkhook
