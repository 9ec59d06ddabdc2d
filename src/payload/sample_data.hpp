#pragma once

#include <cstdint>
#include <span>
#include <string_view>

// The vocabulary sample payloads are drawn from. Nothing here is real personal data: addresses
// are in the documentation ranges (RFC 5737, RFC 3849), hosts and mail under example.com/.org/.net.
namespace linkhook::sample {

struct Location {
  std::string_view country; // ISO 3166-1 alpha-2
  std::string_view city;
};

struct Client {
  std::string_view device; // desktop, mobile, tablet
  std::string_view os;
  std::string_view browser;
  std::string_view user_agent;
};

struct Page {
  std::string_view path;
  std::string_view title;
};

struct Milestone {
  std::int64_t clicks;
  std::string_view label;
};

std::span<const Location> locations();
std::span<const Client> clients();
std::span<const Client> handheld_clients(); // the phones and tablets among clients()
std::span<const std::string_view> referrers();
std::span<const std::string_view> first_names();
std::span<const std::string_view> last_names();
std::span<const std::string_view> mail_domains();
std::span<const std::string_view> site_hosts();
std::span<const Page> pages();
std::span<const std::string_view> custom_domains();
std::span<const std::string_view> plans(); // cheapest first
std::span<const Milestone> milestones();

// The IPv4 documentation networks, as "a.b.c." prefixes for a /24.
std::span<const std::string_view> ipv4_documentation_prefixes();
inline constexpr std::string_view k_ipv6_documentation_prefix = "2001:db8:";

} // namespace linkhook::sample
