// A webhook endpoint with one flaw on purpose, for `linkhook check`'s tests: each flaw must show
// up as the check that names it, and only that one. It verifies Standard Webhooks signatures with
// OpenSSL and cpp-httplib directly, independently of linkhook's own code.
//   flawed_server MODE SECRET
// MODE: accept-all (verifies nothing), no-timestamp (checks the HMAC but not the timestamp),
// reserialize (verifies the JSON it parsed and wrote again, not the bytes received),
// fail-redelivery (500 to a webhook-id it has seen), slow (correct, but answers after 500 ms),
// auth (correct, behind "Authorization: Bearer t0ken": 403 without it).
// Prints "http://127.0.0.1:PORT/" once it listens; serves until killed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <httplib.h>
#include <mutex>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::vector<unsigned char> base64_decode(const std::string& text) {
  std::vector<unsigned char> out(text.size());
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) {
    return {};
  }
  auto size = static_cast<std::size_t>(n);
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) {
    --size; // EVP_DecodeBlock counts padding as zero bytes
  }
  out.resize(size);
  return out;
}

std::string base64_encode(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  return out;
}

// Whether `signature` (space-separated "v1,BASE64" entries) holds the HMAC of id.timestamp.body.
bool signature_matches(const std::vector<unsigned char>& key, const std::string& id,
                       const std::string& timestamp, const std::string& body,
                       const std::string& signature) {
  const auto content = id + "." + timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &size);
  const auto expected = "v1," + base64_encode(mac, size);
  std::istringstream entries(signature);
  for (std::string entry; entries >> entry;) {
    if (entry.size() == expected.size() &&
        CRYPTO_memcmp(entry.data(), expected.data(), entry.size()) == 0) {
      return true;
    }
  }
  return false;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[2]).rfind("whsec_", 0) != 0) {
    std::fprintf(stderr, "usage: flawed_server MODE whsec_SECRET\n");
    return 2;
  }
  const std::string mode = argv[1];
  const auto key = base64_decode(std::string(argv[2]).substr(6));
  std::mutex mutex;
  std::set<std::string> seen;

  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(64); }; // a burst at once
  server.Post(".*", [&](const httplib::Request& request, httplib::Response& response) {
    if (mode == "slow") {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    if (mode == "auth" && request.get_header_value("Authorization") != "Bearer t0ken") {
      response.status = 403;
      return;
    }
    if (mode == "accept-all") {
      response.status = 200;
      return;
    }
    const auto id = request.get_header_value("webhook-id");
    const auto timestamp = request.get_header_value("webhook-timestamp");
    auto body = request.body;
    if (mode == "reserialize") {
      // What a framework hands a handler: the parsed JSON, written again.
      const auto parsed = nlohmann::ordered_json::parse(body, nullptr, false);
      body = parsed.is_discarded() ? body : parsed.dump();
    }
    if (!signature_matches(key, id, timestamp, body,
                           request.get_header_value("webhook-signature"))) {
      response.status = 401;
      return;
    }
    if (mode != "no-timestamp") {
      const auto age = std::time(nullptr) - std::atoll(timestamp.c_str());
      if (age > 300 || age < -300) {
        response.status = 401;
        return;
      }
    }
    if (mode == "fail-redelivery") {
      const std::lock_guard lock(mutex);
      if (!seen.insert(id).second) {
        response.status = 500; // processes it again, and fails on its own unique key
        return;
      }
    }
    response.status = 200;
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    std::fprintf(stderr, "flawed_server: cannot listen\n");
    return 1;
  }
  std::printf("http://127.0.0.1:%d/\n", port);
  std::fflush(stdout);
  server.listen_after_bind();
  return 0;
}
