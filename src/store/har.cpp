#include "store/har.hpp"

#include "base/encoding.hpp"
#include "base/text.hpp"
#include "base/timestamp.hpp"
#include "http/request.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace linkhook {

namespace {

using Json = nlohmann::ordered_json;

std::string dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// The URL the record was sent to, as it says (extra.url); for a received record written before
// linkhook kept it, a URL from the Host header, and a comment saying so.
std::string request_url(const StoreRecord& record, std::string& comment) {
  if (record.extra.is_object()) {
    if (const auto url = record.extra.find("url"); url != record.extra.end() && url->is_string()) {
      return url->get<std::string>();
    }
  }
  const auto* host = find_header(record.headers, "host");
  comment += "; the request's URL was not stored (a record written before linkhook kept it): "
             "its host and path here are a guess";
  return fmt::format("http://{}/", host != nullptr ? *host : "localhost");
}

Json name_values(const std::vector<std::pair<std::string, std::string>>& pairs) {
  auto out = Json::array();
  for (const auto& [name, value] : pairs) {
    out.push_back(Json{{"name", name}, {"value", value}});
  }
  return out;
}

} // namespace

std::string har_head(std::string_view version) {
  const Json creator = {{"name", "linkhook"}, {"version", version}};
  return fmt::format("{{\"log\": {{\"version\": \"1.2\", \"creator\": {}, \"entries\": [\n",
                     dump(creator));
}

std::optional<std::string> har_entry(const StoreRecord& record, bool first) {
  if (record.kind == RecordKind::attempts) {
    return std::nullopt;
  }
  std::string comment = fmt::format("linkhook {} record {}: {} ({})", kind_name(record.kind),
                                    record.id, verdict_name(record), record.verdict.reason);
  const auto url = request_url(record, comment);
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& header : record.headers) {
    headers.emplace_back(header.name, header.value);
  }
  const auto query_at = url.find('?');
  const auto query = query_at == std::string::npos
                         ? std::vector<std::pair<std::string, std::string>>{}
                         : parse_query(std::string_view(url).substr(query_at + 1));
  const auto* content_type = find_header(record.headers, "content-type");
  Json post_data = {{"mimeType", content_type != nullptr ? *content_type : ""}};
  if (is_valid_utf8(record.body)) {
    post_data["text"] = record.body;
  } else {
    post_data["text"] = base64_encode(as_bytes(record.body));
    post_data["comment"] = "the body is not UTF-8: base64 of its bytes";
  }
  const double ms = record.extra.is_object() && record.extra.value("ms", Json()).is_number()
                        ? record.extra["ms"].get<double>()
                        : 0.0;
  const auto status = record.verdict.status;
  Json response = {{"status", status},
                   {"statusText", status == 0 ? "" : std::string(reason_phrase(status))},
                   {"httpVersion", "HTTP/1.1"},
                   {"cookies", Json::array()},
                   {"headers", Json::array()},
                   {"content", {{"size", 0}, {"mimeType", ""}}},
                   {"redirectURL", ""},
                   {"headersSize", -1},
                   {"bodySize", -1},
                   {"comment", "the answer's headers and body are not stored"}};
  if (status == 0) {
    response["_error"] = record.verdict.reason; // devtools' field for a request with no answer
  }
  const Json entry = {{"startedDateTime", format_iso8601_ms(record.time_ms)},
                      {"time", ms},
                      {"request",
                       {{"method", "POST"},
                        {"url", url},
                        {"httpVersion", "HTTP/1.1"},
                        {"cookies", Json::array()},
                        {"headers", name_values(headers)},
                        {"queryString", name_values(query)},
                        {"postData", std::move(post_data)},
                        {"headersSize", -1},
                        {"bodySize", record.body.size()}}},
                      {"response", std::move(response)},
                      {"cache", Json::object()},
                      {"timings", {{"send", 0}, {"wait", ms}, {"receive", 0}}},
                      {"comment", comment}};
  return (first ? "" : ",\n") + dump(entry);
}

std::string har_tail() {
  return "\n]}}\n";
}

} // namespace linkhook
