#include "payload/sample_data.hpp"

namespace linkhook::sample {

namespace {

constexpr Location k_locations[] = {
    {"US", "San Francisco"}, {"US", "New York"},    {"US", "Austin"},     {"US", "Chicago"},
    {"US", "Seattle"},       {"GB", "London"},      {"GB", "Manchester"}, {"DE", "Berlin"},
    {"DE", "Munich"},        {"FR", "Paris"},       {"FR", "Lyon"},       {"NL", "Amsterdam"},
    {"ES", "Madrid"},        {"ES", "Barcelona"},   {"IT", "Milan"},      {"SE", "Stockholm"},
    {"IE", "Dublin"},        {"PL", "Warsaw"},      {"CH", "Zurich"},     {"CA", "Toronto"},
    {"CA", "Vancouver"},     {"MX", "Mexico City"}, {"BR", "São Paulo"},  {"AR", "Buenos Aires"},
    {"JP", "Tokyo"},         {"JP", "Osaka"},       {"KR", "Seoul"},      {"IN", "Bengaluru"},
    {"IN", "Mumbai"},        {"SG", "Singapore"},   {"AU", "Sydney"},     {"AU", "Melbourne"},
    {"NZ", "Auckland"},      {"ZA", "Cape Town"},   {"NG", "Lagos"},      {"KE", "Nairobi"},
    {"AE", "Dubai"},         {"TR", "Istanbul"},
};

constexpr Client k_clients[] = {
    {"desktop", "Windows", "Chrome",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.0.0 Safari/537.36"},
    {"desktop", "Windows", "Edge",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"},
    {"desktop", "Windows", "Firefox",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0"},
    {"desktop", "macOS", "Safari",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.1 Safari/605.1.15"},
    {"desktop", "macOS", "Chrome",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.0.0 Safari/537.36"},
    {"desktop", "Linux", "Firefox",
     "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"},
    {"mobile", "iOS", "Safari",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/18.1 Mobile/15E148 Safari/604.1"},
    {"mobile", "iOS", "Chrome",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) CriOS/130.0.6723.90 Mobile/15E148 Safari/604.1"},
    {"mobile", "Android", "Chrome",
     "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.0.0 Mobile Safari/537.36"},
    {"mobile", "Android", "Samsung Internet",
     "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36"},
    {"tablet", "iPadOS", "Safari",
     "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.1 Mobile/15E148 Safari/604.1"},
    {"tablet", "Android", "Chrome",
     "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.0.0 Safari/537.36"},
};

// Desktops first: the clients from here on are phones and tablets.
constexpr std::size_t k_first_handheld = 6;

// Where clicks come from; like every host here, under the reserved example domains.
constexpr std::string_view k_referrers[] = {
    "https://social.example.com/",     "https://t.example.com/",
    "https://search.example.org/",     "https://news.example.net/",
    "https://forum.example.org/",      "https://video.example.com/",
    "https://mail.example.com/",       "https://blog.example.org/",
    "https://newsletter.example.net/", "https://partner.example.com/deals",
};

constexpr std::string_view k_first_names[] = {
    "Ada",       "Alan",    "Grace",  "Linus",    "Margaret", "Dennis", "Barbara",
    "Ken",       "Frances", "Edsger", "Radia",    "Tim",      "Hedy",   "Donald",
    "Katherine", "John",    "Sophie", "Yukihiro", "Anita",    "Guido",
};

constexpr std::string_view k_last_names[] = {
    "Lovelace", "Turing",   "Hopper",   "Torvalds",  "Hamilton",    "Ritchie", "Liskov",
    "Thompson", "Allen",    "Dijkstra", "Perlman",   "Berners-Lee", "Lamarr",  "Knuth",
    "Johnson",  "McCarthy", "Wilson",   "Matsumoto", "Borg",        "Rossum",
};

constexpr std::string_view k_mail_domains[] = {"example.com", "example.org", "example.net"};

constexpr std::string_view k_site_hosts[] = {
    "example.com", "www.example.com", "shop.example.org", "blog.example.net", "docs.example.com",
};

constexpr Page k_pages[] = {
    {"/product", "Amazing Product Page"},
    {"/pricing", "Plans and Pricing"},
    {"/blog/launch-week", "Launch Week Recap"},
    {"/docs/getting-started", "Getting Started Guide"},
    {"/signup", "Create Your Free Account"},
    {"/events/summit-2025", "Summit 2025 Registration"},
    {"/downloads/whitepaper.pdf", "The State of Link Analytics (PDF)"},
    {"/sale?utm_source=newsletter&utm_campaign=autumn", "Autumn Sale: 30% Off"},
    {"/careers", "We Are Hiring"},
    {"/webinar/automation", "Webinar: Automate With Webhooks"},
};

constexpr std::string_view k_custom_domains[] = {
    "go.example.com", "links.example.org", "l.example.net", "share.example.com", "s.example.org",
};

constexpr std::string_view k_plans[] = {"free", "starter", "pro", "business", "enterprise"};

constexpr Milestone k_milestones[] = {
    {1'000, "1K"},
    {10'000, "10K"},
    {100'000, "100K"},
    {1'000'000, "1M"},
};

constexpr std::string_view k_ipv4_prefixes[] = {"192.0.2.", "198.51.100.", "203.0.113."};

} // namespace

std::span<const Location> locations() {
  return k_locations;
}
std::span<const Client> clients() {
  return k_clients;
}
std::span<const Client> handheld_clients() {
  return clients().subspan(k_first_handheld);
}
std::span<const std::string_view> referrers() {
  return k_referrers;
}
std::span<const std::string_view> first_names() {
  return k_first_names;
}
std::span<const std::string_view> last_names() {
  return k_last_names;
}
std::span<const std::string_view> mail_domains() {
  return k_mail_domains;
}
std::span<const std::string_view> site_hosts() {
  return k_site_hosts;
}
std::span<const Page> pages() {
  return k_pages;
}
std::span<const std::string_view> custom_domains() {
  return k_custom_domains;
}
std::span<const std::string_view> plans() {
  return k_plans;
}
std::span<const Milestone> milestones() {
  return k_milestones;
}
std::span<const std::string_view> ipv4_documentation_prefixes() {
  return k_ipv4_prefixes;
}

} // namespace linkhook::sample
