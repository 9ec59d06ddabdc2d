#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linkhook {

// Seconds since the Unix epoch, UTC.
using UnixSeconds = std::int64_t;

// "2025-10-19T10:30:00Z": ISO-8601, UTC, whole seconds. A time outside 0 to k_max_timestamp
// (a record stored by an older linkhook) is "out-of-range:-5s", which no parser takes for a time.
std::string format_iso8601(UnixSeconds t);

// Appends the same text as format_iso8601 for a t in range, without allocating (20 bytes).
void append_iso8601(std::string& out, UnixSeconds t);

// The last second format_iso8601 writes with a four-digit year: 9999-12-31T23:59:59Z.
inline constexpr UnixSeconds k_max_timestamp = 253402300799;
// Its last millisecond: the latest time of a stored record.
inline constexpr std::int64_t k_max_timestamp_ms = k_max_timestamp * 1000 + 999;

// "2025-10-19T10:30:00.123Z": milliseconds since the epoch (0 to k_max_timestamp_ms), as the
// store's JSON gives the time of a record; "out-of-range:-5000ms" outside that range.
std::string format_iso8601_ms(std::int64_t ms);

// Accepts "YYYY-MM-DDTHH:MM:SS" with optional fraction and "Z" or "+HH:MM"/"-HH:MM" (a space may
// stand for the "T"), or a plain count of Unix seconds. The fraction is dropped. Times before
// 1970 or after k_max_timestamp are refused.
std::optional<UnixSeconds> parse_timestamp(std::string_view text);

// The same ISO-8601 forms (no Unix seconds) in milliseconds: the fraction's first three digits
// are kept, so that format_iso8601_ms's text reads back exactly.
std::optional<std::int64_t> parse_timestamp_ms(std::string_view text);

// A time as `store wait --since` and the inspector's `since` take it, in milliseconds: the
// ISO-8601 forms of parse_timestamp_ms (milliseconds kept), or Unix seconds.
std::optional<std::int64_t> parse_time_ms(std::string_view text);

UnixSeconds unix_now();

// Milliseconds since the Unix epoch, UTC: the time of stored records.
std::int64_t unix_now_ms();

} // namespace linkhook
