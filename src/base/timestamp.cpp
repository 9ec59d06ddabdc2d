#include "base/timestamp.hpp"

#include <charconv>
#include <chrono>
#include <fmt/format.h>

namespace linkhook {

namespace {

using namespace std::chrono;

void append_digits(std::string& out, long long value, int width) {
  char buffer[8];
  for (int i = width - 1; i >= 0; --i) {
    buffer[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buffer, static_cast<std::size_t>(width));
}

// Reads exactly `width` digits at `pos`, advancing it.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t width) {
  if (pos + width > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

std::optional<UnixSeconds> parse_unix(std::string_view text) {
  UnixSeconds value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > k_max_timestamp) {
    return std::nullopt;
  }
  return value;
}

} // namespace

void append_iso8601(std::string& out, UnixSeconds t) {
  const sys_seconds instant{seconds{t}};
  const auto day = floor<days>(instant);
  const year_month_day date{day};
  const hh_mm_ss time{instant - day};
  append_digits(out, static_cast<int>(date.year()), 4);
  out += '-';
  append_digits(out, static_cast<unsigned>(date.month()), 2);
  out += '-';
  append_digits(out, static_cast<unsigned>(date.day()), 2);
  out += 'T';
  append_digits(out, time.hours().count(), 2);
  out += ':';
  append_digits(out, time.minutes().count(), 2);
  out += ':';
  append_digits(out, time.seconds().count(), 2);
  out += 'Z';
}

std::string format_iso8601(UnixSeconds t) {
  if (t < 0 || t > k_max_timestamp) {
    return fmt::format("out-of-range:{}s", t);
  }
  std::string out;
  append_iso8601(out, t);
  return out;
}

std::string format_iso8601_ms(std::int64_t ms) {
  if (ms < 0 || ms > k_max_timestamp_ms) {
    return fmt::format("out-of-range:{}ms", ms);
  }
  std::string out;
  append_iso8601(out, ms / 1000);
  out.pop_back();
  out += '.';
  append_digits(out, ms % 1000, 3);
  out += 'Z';
  return out;
}

std::optional<UnixSeconds> parse_timestamp(std::string_view text) {
  if (text.find('-') == std::string_view::npos) {
    return parse_unix(text);
  }
  const auto ms = parse_timestamp_ms(text);
  return ms ? std::optional<UnixSeconds>(*ms / 1000) : std::nullopt;
}

std::optional<std::int64_t> parse_time_ms(std::string_view text) {
  if (text.find('-') == std::string_view::npos) {
    const auto seconds = parse_unix(text);
    return seconds ? std::optional<std::int64_t>(*seconds * 1000) : std::nullopt;
  }
  return parse_timestamp_ms(text);
}

std::optional<std::int64_t> parse_timestamp_ms(std::string_view text) {
  std::size_t pos = 0;
  const auto y = read_digits(text, pos, 4);
  const bool dash1 = expect(text, pos, '-');
  const auto mo = read_digits(text, pos, 2);
  const bool dash2 = expect(text, pos, '-');
  const auto d = read_digits(text, pos, 2);
  const bool separator = expect(text, pos, 'T') || expect(text, pos, ' ');
  const auto h = read_digits(text, pos, 2);
  const bool colon1 = expect(text, pos, ':');
  const auto mi = read_digits(text, pos, 2);
  const bool colon2 = expect(text, pos, ':');
  const auto s = read_digits(text, pos, 2);
  if (!(y && dash1 && mo && dash2 && d && separator && h && colon1 && mi && colon2 && s)) {
    return std::nullopt;
  }
  int millis = 0;
  if (expect(text, pos, '.')) {
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      constexpr int k_place[] = {100, 10, 1}; // digits past milliseconds are dropped
      if (pos - start < 3) {
        millis += (text[pos] - '0') * k_place[pos - start];
      }
      ++pos;
    }
    if (pos == start) {
      return std::nullopt;
    }
  }
  int offset_minutes = 0;
  if (!expect(text, pos, 'Z')) {
    const bool plus = expect(text, pos, '+');
    if (!plus && !expect(text, pos, '-')) {
      return std::nullopt;
    }
    const auto oh = read_digits(text, pos, 2);
    const bool colon = expect(text, pos, ':');
    const auto om = read_digits(text, pos, 2);
    if (!oh || !colon || !om || *oh > 23 || *om > 59) {
      return std::nullopt;
    }
    offset_minutes = (plus ? 1 : -1) * (*oh * 60 + *om);
  }
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                            day{static_cast<unsigned>(*d)}};
  if (pos != text.size() || !date.ok() || *h > 23 || *mi > 59 || *s > 60) {
    return std::nullopt;
  }
  const auto since_epoch = sys_days{date}.time_since_epoch();
  const auto t = duration_cast<seconds>(since_epoch).count() + std::int64_t{*h} * 3600 +
                 std::int64_t{*mi} * 60 + *s - std::int64_t{offset_minutes} * 60;
  if (t < 0 || t > k_max_timestamp) {
    return std::nullopt;
  }
  return t * 1000 + millis;
}

UnixSeconds unix_now() {
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t unix_now_ms() {
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace linkhook
