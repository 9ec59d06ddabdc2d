// The Node.js peer of `linkhook generate link.clicked --count N`: builds the same payloads (the
// seed page's link.clicked shape, values drawn at random from the same kind of vocabulary) with
// object literals and JSON.stringify, and writes them to stdout in large chunks, as a careful
// Node program would. Usage: node generate.mjs COUNT
const count = Number(process.argv[2] ?? 1000000);

const locations = [["US", "San Francisco"], ["US", "New York"], ["GB", "London"], ["DE", "Berlin"],
  ["FR", "Paris"], ["NL", "Amsterdam"], ["JP", "Tokyo"], ["BR", "São Paulo"], ["IN", "Mumbai"],
  ["AU", "Sydney"], ["CA", "Toronto"], ["ES", "Madrid"]];
const clients = [
  ["desktop", "Chrome", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"],
  ["desktop", "Safari", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"],
  ["desktop", "Firefox", "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"],
  ["mobile", "Safari", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"],
  ["mobile", "Chrome", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36"],
  ["tablet", "Safari", "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"]];
const referrers = ["https://social.example.com/", "https://search.example.org/", "https://news.example.net/",
  "https://mail.example.com/", "https://blog.example.org/"];
const pages = [["/product", "Amazing Product Page"], ["/pricing", "Plans and Pricing"],
  ["/signup", "Create Your Free Account"], ["/careers", "We Are Hiring"]];
const hosts = ["example.com", "www.example.com", "shop.example.org", "blog.example.net"];
const firsts = ["ada", "alan", "grace", "linus", "margaret", "dennis", "barbara", "ken"];
const lasts = ["lovelace", "turing", "hopper", "torvalds", "hamilton", "ritchie", "liskov"];
const domains = ["example.com", "example.org", "example.net"];
const prefixes = ["192.0.2.", "198.51.100.", "203.0.113."];
const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

const pick = (items) => items[(Math.random() * items.length) | 0];
const token = (length) => {
  let s = "";
  for (let i = 0; i < length; i++) s += alphabet[(Math.random() * 36) | 0];
  return s;
};

const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
let buffer = "";
for (let i = 0; i < count; i++) {
  const code = token(6);
  const [country, city] = pick(locations);
  const [device, browser, userAgent] = pick(clients);
  const [path, title] = pick(pages);
  buffer += JSON.stringify({
    event: "link.clicked",
    timestamp,
    data: {
      link: { id: code, short_url: `https://lnk.ly/${code}`, original_url: `https://${pick(hosts)}${path}`, title },
      click: { id: `click_${token(12)}`, ip: pick(prefixes) + (1 + ((Math.random() * 254) | 0)),
        user_agent: userAgent, referrer: pick(referrers), country, city, device, browser },
      user: { id: `user_${token(12)}`, email: `${pick(firsts)}.${pick(lasts)}@${pick(domains)}` },
    },
  }) + "\n";
  if (buffer.length >= 1 << 16) {
    process.stdout.write(buffer);
    buffer = "";
  }
}
process.stdout.write(buffer);
