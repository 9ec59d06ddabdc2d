#include "store/record_diff.hpp"

#include "base/json_depth.hpp"
#include "base/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace linkhook {

namespace {

using Json = nlohmann::ordered_json;

// The values of each header name, in the order the names first come; repeated ones joined as
// one field line would hold them.
std::vector<std::pair<std::string, std::string>> header_values(const std::vector<Header>& headers) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& header : headers) {
    const auto it = std::find_if(out.begin(), out.end(), [&](const auto& entry) {
      return header_name_equal(entry.first, header.name);
    });
    if (it == out.end()) {
      out.emplace_back(header.name, header.value);
    } else {
      it->second += ", " + header.value;
    }
  }
  return out;
}

std::optional<Json> parse_json(const std::string& body) {
  if (json_nesting_depth(body) > k_max_json_depth) {
    return std::nullopt;
  }
  auto json = Json::parse(body, nullptr, false);
  return json.is_discarded() ? std::nullopt : std::optional(std::move(json));
}

std::string member_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

void diff_values(const std::string& path, const Json& a, const Json& b,
                 std::vector<FieldChange>& out) {
  if (a.is_object() && b.is_object()) {
    for (const auto& [key, value] : a.items()) {
      const auto other = b.find(key);
      if (other == b.end()) {
        out.push_back({member_path(path, key), value, std::nullopt});
      } else {
        diff_values(member_path(path, key), value, *other, out);
      }
    }
    for (const auto& [key, value] : b.items()) {
      if (!a.contains(key)) {
        out.push_back({member_path(path, key), std::nullopt, value});
      }
    }
  } else if (a.is_array() && b.is_array()) {
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
      const auto at = fmt::format("{}[{}]", path, i);
      if (i >= b.size()) {
        out.push_back({at, a[i], std::nullopt});
      } else if (i >= a.size()) {
        out.push_back({at, std::nullopt, b[i]});
      } else {
        diff_values(at, a[i], b[i], out);
      }
    }
  } else if (a != b) {
    out.push_back({path, a, b});
  }
}

std::string shown(const Json& value) {
  return printable(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void describe_change(std::string& out, std::string_view name, const std::optional<std::string>& a,
                     const std::optional<std::string>& b) {
  if (a && b) {
    out += fmt::format("  ~ {}: {} -> {}\n", name, *a, *b);
  } else if (b) {
    out += fmt::format("  + {}: {}\n", name, *b);
  } else {
    out += fmt::format("  - {}: {}\n", name, *a);
  }
}

std::optional<std::string> shown(const std::optional<Json>& value) {
  return value ? std::optional(shown(*value)) : std::nullopt;
}

} // namespace

RecordDiff diff_records(const StoreRecord& a, const StoreRecord& b) {
  RecordDiff diff;
  const auto a_headers = header_values(a.headers);
  const auto b_headers = header_values(b.headers);
  const auto find = [](const auto& headers, const std::string& name) {
    return std::find_if(headers.begin(), headers.end(),
                        [&](const auto& entry) { return header_name_equal(entry.first, name); });
  };
  for (const auto& header : a_headers) {
    const auto other = find(b_headers, header.first);
    if (other == b_headers.end()) {
      diff.headers.push_back({header.first, std::optional(header.second), std::nullopt});
    } else if (other->second != header.second) {
      diff.headers.push_back(
          {header.first, std::optional(header.second), std::optional(other->second)});
    }
  }
  for (const auto& header : b_headers) {
    if (find(a_headers, header.first) == a_headers.end()) {
      diff.headers.push_back({header.first, std::nullopt, std::optional(header.second)});
    }
  }
  const auto a_json = parse_json(a.body);
  const auto b_json = parse_json(b.body);
  if (a_json && b_json) {
    diff_values("", *a_json, *b_json, diff.fields);
  } else if (a.body != b.body) {
    const auto& x = a.body;
    const auto& y = b.body;
    std::size_t from = 0;
    while (from < x.size() && from < y.size() && x[from] == y[from]) {
      ++from;
    }
    std::size_t same_tail = 0;
    while (same_tail < x.size() - from && same_tail < y.size() - from &&
           x[x.size() - 1 - same_tail] == y[y.size() - 1 - same_tail]) {
      ++same_tail;
    }
    diff.bytes = ByteChange{from, x.size() - same_tail, y.size() - same_tail};
  }
  return diff;
}

std::string describe_diff(const RecordDiff& diff) {
  if (diff.identical()) {
    return "identical: the same headers and body\n";
  }
  std::string out;
  if (!diff.headers.empty()) {
    out += "headers\n";
    for (const auto& change : diff.headers) {
      describe_change(out, printable(change.name),
                      change.a ? std::optional(printable(*change.a)) : std::nullopt,
                      change.b ? std::optional(printable(*change.b)) : std::nullopt);
    }
  }
  if (!diff.fields.empty()) {
    out += "body (JSON)\n";
    for (const auto& change : diff.fields) {
      describe_change(out, change.path.empty() ? "(the whole body)" : printable(change.path),
                      shown(change.a), shown(change.b));
    }
  }
  if (diff.bytes) {
    const auto& bytes = *diff.bytes;
    out += fmt::format("body (not JSON)\n  bytes {}-{} of A ({} bytes) differ from bytes {}-{} of "
                       "B ({} bytes)\n",
                       bytes.from, bytes.a_end, bytes.a_end - bytes.from, bytes.from, bytes.b_end,
                       bytes.b_end - bytes.from);
  }
  return out;
}

nlohmann::ordered_json diff_json(const RecordDiff& diff) {
  const auto side = [](const auto& value) { return value ? Json(*value) : Json(); };
  auto headers = Json::array();
  for (const auto& change : diff.headers) {
    headers.push_back({{"name", change.name}, {"a", side(change.a)}, {"b", side(change.b)}});
  }
  Json json{{"identical", diff.identical()}, {"headers", std::move(headers)}};
  if (diff.bytes) {
    json["body"] = {
        {"bytes",
         {{"from", diff.bytes->from}, {"a_end", diff.bytes->a_end}, {"b_end", diff.bytes->b_end}}}};
  } else {
    auto fields = Json::array();
    for (const auto& change : diff.fields) {
      fields.push_back({{"path", change.path}, {"a", side(change.a)}, {"b", side(change.b)}});
    }
    json["body"] = std::move(fields);
  }
  return json;
}

} // namespace linkhook
