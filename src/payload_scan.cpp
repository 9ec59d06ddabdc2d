#include "payload_scan.hpp"

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

} // namespace

PayloadScan scan_payload(std::string_view body) {
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

} // namespace linkhook
