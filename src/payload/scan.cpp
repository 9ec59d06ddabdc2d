#include "payload/scan.hpp"

#include "base/encoding.hpp"
#include "base/text.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>

namespace linkhook {

namespace {

// SAX handler that validates and remembers the string value of the top-level "event" key.
class EventFinder : public nlohmann::json_sax<nlohmann::json> {
public:
  std::string event;
  std::string error;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t& text) override {
    if (m_depth == 1 && m_event_key) {
      event = text;
    }
    return value();
  }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool key(string_t& name) override {
    m_event_key = m_depth == 1 && name == "event";
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error = e.what();
    return false;
  }

private:
  bool value() {
    m_event_key = false;
    return true;
  }
  bool open() {
    ++m_depth;
    return value();
  }
  bool close() {
    --m_depth;
    return true;
  }

  int m_depth = 0;
  bool m_event_key = false;
};

// A strict one-pass check of JSON as nlohmann reads it (RFC 8259; UTF-8; no lone surrogate
// escapes; no number so large it overflows a double), for the common case only: whatever it is not
// sure of (an exponent, a very long number, an escaped key at the top level or an escaped event,
// a byte order mark, nesting deeper than k_max_depth) it leaves undecided, as it leaves anything
// invalid. It never accepts what nlohmann refuses (tests/fuzz/fuzz_payload_scan.cpp checks that).
// The bytes a string's scan stops at: the closing quote, an escape, a control character, and
// non-ASCII (noted, for the UTF-8 check at the end). The rest are skipped a table look-up each.
constexpr auto k_string_stops = [] {
  std::array<bool, 256> stops{};
  for (std::size_t c = 0; c < stops.size(); ++c) {
    stops[c] = c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
  }
  return stops;
}();

class FastScanner {
public:
  explicit FastScanner(std::string_view text) : m_at(text.data()), m_end(m_at + text.size()) {}

  bool valid(std::string& event) {
    m_event = &event;
    skip_blanks();
    if (!value(0)) {
      return false;
    }
    skip_blanks();
    return m_at == m_end;
  }

  bool saw_non_ascii() const { return m_non_ascii; }

private:
  static constexpr int k_max_depth = 256;
  static constexpr std::ptrdiff_t k_max_number = 100;

  void skip_blanks() {
    while (m_at < m_end && (*m_at == ' ' || *m_at == '\n' || *m_at == '\r' || *m_at == '\t')) {
      ++m_at;
    }
  }

  bool take(char c) {
    skip_blanks();
    if (m_at < m_end && *m_at == c) {
      ++m_at;
      return true;
    }
    return false;
  }

  bool literal(std::string_view word) {
    if (m_end - m_at < static_cast<std::ptrdiff_t>(word.size()) ||
        std::memcmp(m_at, word.data(), word.size()) != 0) {
      return false;
    }
    m_at += word.size();
    return true;
  }

  bool value(int depth) {
    skip_blanks();
    if (m_at == m_end) {
      return false;
    }
    switch (*m_at) {
    case '{':
      return object(depth + 1);
    case '[':
      return array(depth + 1);
    case '"':
      return string(nullptr);
    case 't':
      return literal("true");
    case 'f':
      return literal("false");
    case 'n':
      return literal("null");
    default:
      return number();
    }
  }

  bool object(int depth) {
    ++m_at;
    if (depth > k_max_depth) {
      return false;
    }
    if (take('}')) {
      return true;
    }
    do {
      skip_blanks();
      std::string_view key;
      if (m_at == m_end || *m_at != '"' || !string(&key)) {
        return false;
      }
      if (!take(':')) {
        return false;
      }
      if (depth == 1 && key.find('\\') != std::string_view::npos) {
        return false; // it may unescape to "event"
      }
      if (depth == 1 && key == "event") {
        skip_blanks();
        if (m_at < m_end && *m_at == '"') {
          std::string_view text;
          if (!string(&text) || text.find('\\') != std::string_view::npos) {
            return false;
          }
          m_event->assign(text);
          continue;
        }
      }
      if (!value(depth)) {
        return false;
      }
    } while (take(','));
    return take('}');
  }

  bool array(int depth) {
    ++m_at;
    if (depth > k_max_depth) {
      return false;
    }
    if (take(']')) {
      return true;
    }
    do {
      if (!value(depth)) {
        return false;
      }
    } while (take(','));
    return take(']');
  }

  // Skips eight bytes at a time while none of them is a stop (SWAR: each test below sets a
  // byte's top bit when that byte may be a stop; a false alarm only hands the word to the
  // byte-wise loop). Most of a payload is plain ASCII inside strings.
  void skip_plain_words() {
    constexpr std::uint64_t k_ones = 0x0101010101010101;
    constexpr std::uint64_t k_highs = 0x8080808080808080;
    const auto has_byte = [](std::uint64_t word, unsigned char byte) {
      const auto x = word ^ (k_ones * byte);
      return (x - k_ones) & ~x & k_highs;
    };
    while (m_end - m_at >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, m_at, sizeof word);
      const auto control = (word - k_ones * 0x20) & ~word & k_highs; // a byte below 0x20
      if ((control | (word & k_highs) | has_byte(word, '"') | has_byte(word, '\\')) != 0) {
        return;
      }
      m_at += 8;
    }
  }

  // At the opening quote; `raw`, when given, gets the bytes between the quotes.
  bool string(std::string_view* raw) {
    const char* begin = ++m_at;
    for (;;) {
      skip_plain_words();
      while (m_at < m_end && !k_string_stops[static_cast<unsigned char>(*m_at)]) {
        ++m_at;
      }
      if (m_at == m_end) {
        break;
      }
      const auto c = static_cast<unsigned char>(*m_at);
      if (c == '"') {
        if (raw != nullptr) {
          *raw = std::string_view(begin, static_cast<std::size_t>(m_at - begin));
        }
        ++m_at;
        return true;
      }
      if (c < 0x20) {
        return false;
      }
      if (c >= 0x80) {
        m_non_ascii = true; // the whole text is checked as UTF-8 at the end
      } else if (c == '\\') {
        if (++m_at == m_end) {
          return false;
        }
        if (*m_at == 'u') {
          if (m_end - m_at < 5) {
            return false;
          }
          int code = 0;
          for (int i = 1; i <= 4; ++i) {
            const auto digit = hex_value(m_at[i]);
            if (digit < 0) {
              return false;
            }
            code = code * 16 + digit;
          }
          if (code >= 0xd800 && code <= 0xdfff) {
            return false; // surrogates: undecided here
          }
          m_at += 4;
        } else if (std::strchr("\"\\/bfnrt", *m_at) == nullptr || *m_at == '\0') {
          return false;
        }
      }
      ++m_at;
    }
    return false;
  }

  bool number() {
    const char* begin = m_at;
    if (m_at < m_end && *m_at == '-') {
      ++m_at;
    }
    if (m_at == m_end || *m_at < '0' || *m_at > '9') {
      return false;
    }
    if (*m_at++ != '0') {
      skip_digits();
    }
    if (m_at < m_end && *m_at == '.') {
      ++m_at;
      if (m_at == m_end || *m_at < '0' || *m_at > '9') {
        return false;
      }
      skip_digits();
    }
    if (m_at < m_end && (*m_at == 'e' || *m_at == 'E')) {
      return false; // may overflow a double: undecided here
    }
    return m_at - begin <= k_max_number;
  }

  void skip_digits() {
    while (m_at < m_end && *m_at >= '0' && *m_at <= '9') {
      ++m_at;
    }
  }

  const char* m_at;
  const char* m_end;
  std::string* m_event = nullptr;
  bool m_non_ascii = false;
};

} // namespace

namespace detail {

bool scan_json_fast(std::string_view body, std::string& event) {
  event.clear();
  FastScanner scanner(body);
  if (!scanner.valid(event) || (scanner.saw_non_ascii() && !is_valid_utf8(body))) {
    event.clear();
    return false;
  }
  return true;
}

PayloadScan scan_json_nlohmann(std::string_view body) {
  EventFinder finder;
  PayloadScan scan;
  scan.json = nlohmann::json::sax_parse(body, &finder);
  if (!scan.json) {
    // nlohmann's message starts with "[json.exception.parse_error.101] parse error at ..."
    const auto start = finder.error.find("] ");
    scan.error = start == std::string::npos ? finder.error : finder.error.substr(start + 2);
  }
  scan.event = std::move(finder.event);
  return scan;
}

} // namespace detail

PayloadScan scan_payload(std::string_view body) {
  PayloadScan scan;
  if (detail::scan_json_fast(body, scan.event)) {
    scan.json = true;
    return scan;
  }
  return detail::scan_json_nlohmann(body); // invalid, or not decided by the fast scan
}

} // namespace linkhook
