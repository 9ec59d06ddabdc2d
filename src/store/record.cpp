#include "store/record.hpp"

#include "base/little_endian.hpp"
#include "base/random.hpp"

#include <algorithm>
#include <array>

namespace linkhook {

namespace {

constexpr std::array<std::string_view, 3> k_kind_names = {"received", "sent", "attempts"};
constexpr std::size_t k_max_plain_id = 200;

// Little-endian fixed-width integers and length-prefixed strings.
class ByteWriter {
public:
  explicit ByteWriter(std::string& out) : m_out(out) {}

  void integer(std::uint64_t value, int bytes) { put_little_endian(m_out, value, bytes); }

  void text(std::string_view value) {
    integer(value.size(), 4);
    m_out.append(value);
  }

private:
  std::string& m_out;
};

class ByteReader {
public:
  explicit ByteReader(std::string_view in) : m_in(in) {}

  // False once any read ran past the end; every later read then yields zero or empty.
  bool ok() const { return m_ok; }

  std::uint64_t integer(int bytes) {
    if (!take(static_cast<std::size_t>(bytes))) {
      return 0;
    }
    const auto value = get_little_endian(m_in, 0, bytes);
    m_in.remove_prefix(static_cast<std::size_t>(bytes));
    return value;
  }

  std::string text() { return std::string(view()); }

  // A text's bytes, valid as long as the payload is.
  std::string_view view() {
    const auto size = static_cast<std::size_t>(integer(4));
    if (!take(size)) {
      return {};
    }
    const auto value = m_in.substr(0, size);
    m_in.remove_prefix(size);
    return value;
  }

private:
  bool take(std::size_t size) {
    m_ok = m_ok && m_in.size() >= size;
    return m_ok;
  }

  std::string_view m_in;
  bool m_ok = true;
};

bool is_plain_token(std::string_view text) {
  return !text.empty() && text.size() <= k_max_plain_id &&
         std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

} // namespace

std::string_view kind_name(RecordKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  return index < k_kind_names.size() ? k_kind_names[index] : "unknown";
}

std::optional<RecordKind> parse_kind(std::string_view name) {
  for (std::size_t i = 0; i < k_kind_names.size(); ++i) {
    if (k_kind_names[i] == name) {
      return static_cast<RecordKind>(i);
    }
  }
  return std::nullopt;
}

std::string received_record_id(const std::vector<Header>& headers) {
  const auto* id = find_header(headers, "webhook-id");
  return id != nullptr && is_plain_token(*id) ? *id : fresh_record_id("rec_");
}

std::string fresh_record_id(std::string_view prefix) {
  static constexpr std::string_view k_alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  // Seeded once per thread: std::random_device costs more than the rest of a record's writing.
  thread_local Random random(Random::fresh_seed());
  std::string id(prefix);
  for (int i = 0; i < 24; ++i) {
    id.push_back(k_alphabet[random.below(k_alphabet.size())]);
  }
  return id;
}

const std::string* find_header(const std::vector<Header>& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (header_name_equal(header.name, name)) {
      return &header.value;
    }
  }
  return nullptr;
}

std::string_view verdict_name(const StoreRecord& record) {
  if (record.kind == RecordKind::received) {
    if (record.verdict.duplicate) {
      return "duplicate";
    }
    return record.verdict.verified ? "verified" : "rejected";
  }
  return record.verdict.status >= 200 && record.verdict.status < 300 ? "delivered" : "failed";
}

// Field order is the format: append new fields at the end only.
std::string encode_record(const StoreRecord& record) {
  std::string out;
  out.reserve(64 + record.id.size() + record.event.size() + record.body.size());
  ByteWriter writer(out);
  writer.integer(static_cast<std::uint8_t>(record.kind), 1);
  writer.text(record.id);
  writer.text(record.event);
  writer.integer(static_cast<std::uint64_t>(record.time_ms), 8);
  writer.integer(record.headers.size(), 4);
  for (const auto& header : record.headers) {
    writer.text(header.name);
    writer.text(header.value);
  }
  writer.text(record.body);
  writer.integer((record.verdict.verified ? 1U : 0U) | (record.verdict.duplicate ? 2U : 0U), 1);
  writer.integer(static_cast<std::uint32_t>(record.verdict.status), 4);
  writer.text(record.verdict.reason);
  writer.text(record.ref);
  writer.text(record.extra.is_null() ? std::string() : record.extra.dump());
  return out;
}

std::optional<StoreRecord> decode_record(std::string_view payload, RecordParts parts) {
  const bool whole = parts == RecordParts::whole;
  ByteReader reader(payload);
  StoreRecord record;
  const auto kind = reader.integer(1);
  if (kind >= k_kind_names.size()) {
    return std::nullopt;
  }
  record.kind = static_cast<RecordKind>(kind);
  record.id = reader.text();
  record.event = reader.text();
  record.time_ms = static_cast<std::int64_t>(reader.integer(8));
  const auto header_count = reader.integer(4);
  for (std::uint64_t i = 0; i < header_count && reader.ok(); ++i) {
    const auto name = reader.view();
    const auto value = reader.view();
    if (whole) {
      record.headers.push_back({std::string(name), std::string(value)});
    }
  }
  const auto body = reader.view();
  if (whole) {
    record.body = body;
  }
  const auto flags = reader.integer(1);
  record.verdict.verified = (flags & 1U) != 0;
  record.verdict.duplicate = (flags & 2U) != 0;
  record.verdict.status = static_cast<int>(static_cast<std::int32_t>(reader.integer(4)));
  record.verdict.reason = reader.text();
  record.ref = reader.text();
  const auto extra = reader.view();
  if (!reader.ok()) {
    return std::nullopt;
  }
  if (whole && !extra.empty()) {
    record.extra = nlohmann::ordered_json::parse(extra, nullptr, false);
    if (record.extra.is_discarded()) {
      return std::nullopt;
    }
  }
  return record;
}

} // namespace linkhook
