#include "signing/body_variants.hpp"

#include "base/json_depth.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace linkhook {

namespace {

using Json = nlohmann::ordered_json;

struct Style {
  std::string_view name;
  std::string_view item_separator; // after each ',' but the line breaks of an indent
  std::string_view key_separator;
  int indent; // spaces per level; 0 for one line
};

constexpr Style k_styles[] = {
    {"compact JSON", "", ":", 0},
    {"JSON with ', ' and ': ' separators (Python's json.dumps)", " ", ": ", 0},
    {"JSON indented by 2 spaces", "", ": ", 2},
    {"JSON indented by 4 spaces", "", ": ", 4},
};

struct Options {
  const Style* style;
  bool sort_keys;
  bool ensure_ascii;
};

void write(const Json& value, const Options& options, int depth, std::string& out) {
  if (!value.is_structured()) {
    out += value.dump(-1, ' ', options.ensure_ascii);
    return;
  }
  const bool object = value.is_object();
  out += object ? '{' : '[';
  std::vector<std::pair<const std::string*, const Json*>> items;
  if (object) {
    for (const auto& [key, item] : value.items()) {
      items.emplace_back(&key, &item);
    }
    if (options.sort_keys) {
      std::sort(items.begin(), items.end(),
                [](const auto& a, const auto& b) { return *a.first < *b.first; });
    }
  } else {
    for (const auto& item : value) {
      items.emplace_back(nullptr, &item);
    }
  }
  const auto indent = [&](int level) {
    if (options.style->indent > 0) {
      out += '\n';
      out.append(static_cast<std::size_t>(level) * static_cast<std::size_t>(options.style->indent),
                 ' ');
    }
  };
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += ',';
      out += options.style->item_separator;
    }
    indent(depth + 1);
    if (items[i].first != nullptr) {
      out += Json(*items[i].first).dump(-1, ' ', options.ensure_ascii);
      out += options.style->key_separator;
    }
    write(*items[i].second, options, depth + 1, out);
  }
  if (!items.empty()) {
    indent(depth);
  }
  out += object ? '}' : ']';
}

void add(std::vector<BodyVariant>& variants, std::string_view original, std::string body,
         std::string description) {
  if (body == original) {
    return;
  }
  const auto same = [&](const BodyVariant& v) { return v.body == body; };
  if (std::none_of(variants.begin(), variants.end(), same)) {
    variants.push_back({std::move(body), std::move(description)});
  }
}

void add_json_variants(std::vector<BodyVariant>& variants, std::string_view body) {
  if (json_nesting_depth(body) > k_max_json_depth) {
    return;
  }
  const auto json = Json::parse(body, nullptr, false);
  if (json.is_discarded()) {
    return;
  }
  const bool has_non_ascii = std::any_of(
      body.begin(), body.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  for (const auto& style : k_styles) {
    for (const bool sort_keys : {false, true}) {
      for (const bool ensure_ascii : {false, true}) {
        if (ensure_ascii && !has_non_ascii) {
          continue;
        }
        std::string text;
        write(json, {&style, sort_keys, ensure_ascii}, 0, text);
        std::string description = "re-serialised as " + std::string(style.name);
        description += sort_keys ? " with sorted keys" : "";
        description += ensure_ascii ? " with non-ASCII escaped" : "";
        add(variants, body, text + "\n", description + ", with a final newline");
        add(variants, body, std::move(text), std::move(description));
      }
    }
  }
}

} // namespace

std::vector<BodyVariant> body_variants(std::string_view body) {
  std::vector<BodyVariant> variants;
  if (body.ends_with('\n')) {
    const auto without_lf = body.substr(0, body.size() - 1);
    add(variants, body, std::string(without_lf), "with its final newline removed");
    if (without_lf.ends_with('\r')) {
      add(variants, body, std::string(without_lf.substr(0, without_lf.size() - 1)),
          "with its final CRLF removed");
    }
  } else {
    add(variants, body, std::string(body) + "\n", "with a final newline added");
  }
  add_json_variants(variants, body);
  return variants;
}

} // namespace linkhook
