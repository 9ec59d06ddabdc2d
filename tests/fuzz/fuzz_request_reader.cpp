// libFuzzer target: the listener's server reads requests from whatever bytes a client sends, cut
// wherever the network cut them. So RequestReader must take any bytes, keep its bounds, and come
// to the same requests (or the same refusal) however the input is cut into pieces.
#include "fuzz_check.hpp"
#include "http/request_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using linkhook::RequestReader;
using State = RequestReader::State;

constexpr std::size_t k_max_body = 4096;

// What a connection made of the input: the requests read, then whether it was refused.
struct Outcome {
  std::vector<std::string> requests; // method, path, header count and body of each
  bool refused = false;
  bool operator==(const Outcome&) const = default;
};

std::string summary(const linkhook::HttpRequest& request) {
  FUZZ_CHECK(request.body.size() <= k_max_body);
  std::size_t header_bytes = 0;
  for (const auto& header : request.headers) {
    header_bytes += header.name.size() + header.value.size();
  }
  FUZZ_CHECK(header_bytes <= RequestReader::k_max_head);
  return request.method + " " + request.path + " " + std::to_string(request.headers.size()) +
         (request.body_too_large ? " too large" : " " + request.body);
}

// Feeds `input` in pieces of `piece` bytes, as a server does, until the connection would close.
Outcome read_all(std::string_view input, std::size_t piece) {
  RequestReader reader(k_max_body);
  Outcome outcome;
  for (std::size_t at = 0; at < input.size(); at += piece) {
    const auto chunk = input.substr(at, piece);
    for (std::size_t used = 0; used < chunk.size();) {
      const auto rest = chunk.substr(used);
      const auto taken = reader.feed(rest);
      used += taken;
      if (reader.state() == State::refused) {
        FUZZ_CHECK(reader.refusal() >= 400 && reader.refusal() <= 505);
        outcome.refused = true;
        return outcome;
      }
      if (reader.state() == State::done) {
        outcome.requests.push_back(summary(reader.request()));
        if (reader.request().body_too_large || !reader.framing().keep_alive) {
          return outcome; // the connection closes after this answer
        }
        reader.next();
      } else {
        FUZZ_CHECK(taken == rest.size()); // all taken while a request is open
      }
    }
  }
  reader.end_of_input();
  outcome.refused = reader.state() == State::refused;
  return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::size_t piece = data[0] % 64 + 1; // the first byte says where to cut
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  FUZZ_CHECK(read_all(input, piece) == read_all(input, input.size() + 1));
  return 0;
}
