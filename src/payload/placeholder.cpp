#include "payload/placeholder.hpp"

#include "base/error.hpp"
#include "base/text.hpp"
#include "payload/sample_data.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace linkhook {

namespace {

using Kind = Placeholder::Kind;

struct KindInfo {
  std::string_view name;
  Kind kind;
  std::string_view family; // kinds of one family share a draw per argument
};

constexpr KindInfo k_kinds[] = {
    {"timestamp", Kind::timestamp, ""},
    {"before", Kind::before, ""},
    {"after", Kind::after, ""},
    {"code", Kind::code, ""},
    {"token", Kind::token, ""},
    {"int", Kind::integer, ""},
    {"pick", Kind::pick, ""},
    {"ip", Kind::ip, ""},
    {"referrer", Kind::referrer, ""},
    {"domain", Kind::domain, ""},
    {"country", Kind::country, "location"},
    {"city", Kind::city, "location"},
    {"device", Kind::device, "client"},
    {"os", Kind::os, "client"},
    {"browser", Kind::browser, "client"},
    {"user_agent", Kind::user_agent, "client"},
    {"first_name", Kind::first_name, "person"},
    {"last_name", Kind::last_name, "person"},
    {"name", Kind::name, "person"},
    {"email", Kind::email, "person"},
    {"url", Kind::url, "page"},
    {"title", Kind::title, "page"},
    {"plan_from", Kind::plan_from, "plan"},
    {"plan_to", Kind::plan_to, "plan"},
    {"milestone", Kind::milestone, "milestone"},
    {"milestone_label", Kind::milestone_label, "milestone"},
};

constexpr std::string_view k_alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::int64_t k_hour = 3600;
constexpr std::int64_t k_day = 24 * k_hour;

std::int64_t parse_int(std::string_view text, std::string_view placeholder) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw Error(
        fmt::format("placeholder '{{{{{}}}}}': '{}' is not a whole number", placeholder, text));
  }
  return value;
}

// Appends `length` (at most 12) characters of [a-z0-9], all from one 64-bit draw.
void append_alphanumeric(std::string& out, std::size_t length, Random& random) {
  char buffer[12];
  std::uint64_t bits = random.next();
  for (std::size_t i = 0; i < length; ++i) {
    buffer[i] = k_alphabet[bits % k_alphabet.size()];
    bits /= k_alphabet.size();
  }
  out.append(buffer, length);
}

void append_lower(std::string& out, std::string_view text) {
  for (const char c : text) {
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
}

// One of `items`, chosen by the 16-bit slice `part` (0 to 3) of a draw, so one draw picks up to
// four independent things. Multiply-and-shift instead of modulo: no division on this hot path.
template <typename T>
const T& nth(std::span<const T> items, std::uint64_t draw, int part = 0) {
  const std::uint64_t slice = (draw >> (16 * part)) & 0xffff;
  return items[(slice * items.size()) >> 16];
}

void append_ip(std::string& out, Random& random) {
  const std::uint64_t bits = random.next();
  if (bits % 10 == 0) { // one in ten clients comes over IPv6
    fmt::format_to(std::back_inserter(out), "{}{:x}:{:x}::{:x}",
                   sample::k_ipv6_documentation_prefix, (bits >> 8) & 0xffff, (bits >> 24) & 0xffff,
                   1 + ((bits >> 40) % 0xfffe));
    return;
  }
  out += nth(sample::ipv4_documentation_prefixes(), bits, 1);
  append_number(out, static_cast<std::int64_t>(1 + ((((bits >> 32) & 0xffff) * 254) >> 16)));
}

// The two plans of a plan change: distinct, and in the direction of `argument` ("up"/"down").
std::string_view plan_of(const Placeholder& slot, std::uint64_t draw) {
  const auto plans = sample::plans();
  const std::uint64_t n = plans.size();
  const std::uint64_t a = ((draw & 0xffff) * n) >> 16;
  std::uint64_t b = (((draw >> 16) & 0xffff) * (n - 1)) >> 16;
  b += b >= a ? 1 : 0;
  const bool up = slot.argument == "up";
  const std::uint64_t low = std::min(a, b);
  const std::uint64_t high = std::max(a, b);
  const bool from = slot.kind == Kind::plan_from;
  return plans[(from == up) ? low : high];
}

} // namespace

Placeholder parse_placeholder(std::string_view text) {
  const auto colon = text.find(':');
  const auto name = text.substr(0, colon);
  const auto argument = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  const auto* info = std::find_if(std::begin(k_kinds), std::end(k_kinds),
                                  [&](const KindInfo& k) { return k.name == name; });
  if (info == std::end(k_kinds)) {
    throw Error(fmt::format("unknown placeholder '{{{{{}}}}}'", text));
  }
  Placeholder slot{info->kind, std::string(argument), {}, 0, 0, {}};
  if (!info->family.empty()) {
    slot.group = fmt::format("{}:{}", info->family, argument);
  }
  if (slot.kind == Kind::integer) {
    const auto dash = argument.find('-', 1);
    if (dash == std::string_view::npos) {
      throw Error(fmt::format("placeholder '{{{{{}}}}}' needs a range like int:1-100", text));
    }
    slot.low = parse_int(argument.substr(0, dash), text);
    slot.high = parse_int(argument.substr(dash + 1), text);
    if (slot.low > slot.high) {
      throw Error(fmt::format("placeholder '{{{{{}}}}}' has an empty range", text));
    }
  } else if (slot.kind == Kind::pick) {
    std::size_t start = 0;
    while (start <= argument.size()) {
      const auto bar = std::min(argument.find('|', start), argument.size());
      const std::string option(argument.substr(start, bar - start));
      const std::string quoted = nlohmann::json(option).dump();
      slot.options.push_back(quoted.substr(1, quoted.size() - 2));
      start = bar + 1;
    }
  } else if ((slot.kind == Kind::plan_from || slot.kind == Kind::plan_to) && argument != "up" &&
             argument != "down") {
    throw Error(fmt::format("placeholder '{{{{{}}}}}' needs the direction up or down", text));
  }
  return slot;
}

void Sampler::start(UnixSeconds timestamp) {
  if (timestamp != m_timestamp || m_timestamp_text.empty()) {
    m_timestamp = timestamp;
    m_timestamp_text = format_iso8601(timestamp);
  }
  ++m_generation;
}

std::uint64_t Sampler::draw(std::size_t group, Random& random) {
  if (m_drawn[group] != m_generation) {
    m_drawn[group] = m_generation;
    m_draws[group] = random.next();
  }
  return m_draws[group];
}

void Sampler::append(std::string& out, const Placeholder& slot, std::size_t group, Random& random) {
  switch (slot.kind) {
  case Kind::timestamp:
    out += m_timestamp_text;
    return;
  case Kind::before:
    return append_iso8601(out, m_timestamp - random.between(k_hour, 90 * k_day));
  case Kind::after:
    return append_iso8601(out, m_timestamp + random.between(k_day, 365 * k_day));
  case Kind::code:
    return append_alphanumeric(out, 6, random);
  case Kind::token:
    return append_alphanumeric(out, 12, random);
  case Kind::integer:
    return append_number(out, random.between(slot.low, slot.high));
  case Kind::pick:
    out += slot.options[random.below(slot.options.size())];
    return;
  case Kind::ip:
    return append_ip(out, random);
  case Kind::referrer:
    out += random.pick(sample::referrers());
    return;
  case Kind::domain:
    out += random.pick(sample::custom_domains());
    return;
  default:
    break;
  }
  // The kinds that share a draw with the rest of their group: each derives only what it shows.
  const std::uint64_t d = draw(group, random);
  const auto client = [&] {
    // "{{device:mobile}}" and its group draw from phones and tablets only (a QR scan, say).
    return nth(slot.argument == "mobile" ? sample::handheld_clients() : sample::clients(), d);
  };
  const auto firsts = sample::first_names();
  const auto lasts = sample::last_names();
  const auto hosts = sample::site_hosts();
  switch (slot.kind) {
  case Kind::country:
    out += nth(sample::locations(), d).country;
    return;
  case Kind::city:
    out += nth(sample::locations(), d).city;
    return;
  case Kind::device:
    out += client().device;
    return;
  case Kind::os:
    out += client().os;
    return;
  case Kind::browser:
    out += client().browser;
    return;
  case Kind::user_agent:
    out += client().user_agent;
    return;
  case Kind::first_name:
    out += nth(firsts, d);
    return;
  case Kind::last_name:
    out += nth(lasts, d, 1);
    return;
  case Kind::name:
    out.append(nth(firsts, d)).append(" ").append(nth(lasts, d, 1));
    return;
  case Kind::email:
    append_lower(out, nth(firsts, d));
    out += '.';
    append_lower(out, nth(lasts, d, 1));
    out += '@';
    out += nth(sample::mail_domains(), d, 2);
    return;
  case Kind::url:
    out.append("https://").append(nth(hosts, d)).append(nth(sample::pages(), d, 1).path);
    return;
  case Kind::title:
    out += nth(sample::pages(), d, 1).title;
    return;
  case Kind::plan_from:
  case Kind::plan_to:
    out += plan_of(slot, d);
    return;
  case Kind::milestone:
    append_number(out, nth(sample::milestones(), d).clicks);
    return;
  case Kind::milestone_label:
    out += nth(sample::milestones(), d).label;
    return;
  default:
    return;
  }
}

} // namespace linkhook
