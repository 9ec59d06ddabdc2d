#include "http/request_reader.hpp"

#include <algorithm>
#include <utility>

namespace linkhook {

namespace {

constexpr std::string_view k_end = "\r\n\r\n";

// Where the blank line that ends a head ends in `input`, when `before` (the head so far) came
// first: the offset just past it, or npos. Only what it returns is copied into the head, so that
// pipelined requests are not copied along with the one before them.
std::size_t end_of_head(std::string_view before, std::string_view input) {
  const auto tail = before.substr(before.size() - std::min<std::size_t>(3, before.size()));
  for (std::size_t k = tail.size(); k > 0; --k) { // the blank line starts in the tail
    if (k_end.starts_with(tail.substr(tail.size() - k)) && input.size() >= 4 - k &&
        input.substr(0, 4 - k) == k_end.substr(k)) {
      return 4 - k;
    }
  }
  const auto at = input.find(k_end);
  return at == std::string_view::npos ? at : at + k_end.size();
}

} // namespace

std::size_t RequestReader::feed(std::string_view input) {
  std::size_t used = 0;
  if (m_state == State::idle || m_state == State::head) {
    used = feed_head(input);
  }
  if (m_state == State::body && used < input.size()) {
    used += feed_body(input.substr(used));
  }
  return used;
}

std::size_t RequestReader::feed_head(std::string_view input) {
  std::size_t skipped = 0;
  if (m_state == State::idle) {
    // A CR held from the last read starts a blank line only if LF follows it; else it starts
    // the head.
    const bool blank = m_head != "\r" || input.starts_with('\n');
    if (blank) {
      if (m_head == "\r") {
        m_head.clear();
        skipped = 1;
      }
      while (input.substr(skipped).starts_with("\r\n")) {
        skipped += 2;
      }
      input.remove_prefix(skipped);
      if (input.empty() || input == "\r") {
        m_head.append(input);
        return skipped + input.size();
      }
    }
    m_state = State::head;
  }
  const auto stop = end_of_head(m_head, input);
  const auto take = stop == std::string_view::npos ? input.size() : stop;
  const auto old = m_head.size();
  m_head.append(input.substr(0, take));
  for (auto lf = m_head.find('\n', old); lf != std::string::npos; lf = m_head.find('\n', lf + 1)) {
    if (lf == 0 || m_head[lf - 1] != '\r') {
      refuse(400);
      return skipped + input.size();
    }
  }
  if (stop == std::string_view::npos) {
    // The refusal must not depend on where the input was cut: a head held here that ends in
    // "\r\n\r" may still end a byte shorter once the blank line's "\n" comes (see below).
    const std::size_t slack = m_head.ends_with("\r\n\r") ? 1 : 0;
    if (m_head.size() > k_max_head + slack) {
      refuse(431);
    }
    return skipped + input.size();
  }
  m_head.resize(m_head.size() - 2); // the blank line
  if (m_head.size() > k_max_head) {
    refuse(431);
    return skipped + input.size();
  }
  start_body();
  return skipped + take;
}

void RequestReader::start_body() {
  m_request.body.clear();
  m_request.body_too_large = false;
  m_framing = RequestFraming{};
  if (const int status = parse_request_head(m_head, m_request, m_framing); status != 0) {
    refuse(status);
    return;
  }
  const auto length = m_framing.content_length.value_or(0);
  if (length > m_max_body) {
    m_request.body_too_large = true; // and no "100 Continue": the client need not send it
    m_state = State::done;
    return;
  }
  m_continue = m_framing.expect_continue && (m_framing.chunked || length > 0);
  if (m_framing.chunked) {
    m_chunked = ChunkedDecoder(m_max_body);
    m_state = State::body;
    return;
  }
  m_left = length;
  m_state = m_left == 0 ? State::done : State::body;
}

std::size_t RequestReader::feed_body(std::string_view input) {
  if (!m_framing.chunked) {
    const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(m_left, input.size()));
    m_request.body.append(input.substr(0, take));
    m_left -= take;
    m_state = m_left == 0 ? State::done : State::body;
    return take;
  }
  std::size_t used = 0;
  while (m_chunked.state() == ChunkedDecoder::State::more && used < input.size()) {
    const auto step = m_chunked.next(input.substr(used));
    m_request.body.append(step.data);
    used += step.used;
  }
  switch (m_chunked.state()) {
  case ChunkedDecoder::State::more:
    break;
  case ChunkedDecoder::State::done:
    m_state = State::done;
    break;
  case ChunkedDecoder::State::too_large:
    m_request.body_too_large = true;
    m_state = State::done;
    break;
  case ChunkedDecoder::State::malformed:
    refuse(400);
    return input.size();
  }
  return used;
}

void RequestReader::end_of_input() {
  if (m_state == State::body && m_framing.chunked && !m_chunked.in_data()) {
    refuse(400);
  }
}

bool RequestReader::take_continue() {
  return std::exchange(m_continue, false);
}

void RequestReader::next() {
  constexpr std::size_t k_kept = std::size_t{16} * 1024;
  if (m_head.capacity() > k_kept) {
    std::string().swap(m_head);
    m_request.headers.clear(0); // their storage may be as large
  }
  if (m_request.body.capacity() > k_kept) {
    std::string().swap(m_request.body);
  }
  m_head.clear();
  m_state = State::idle;
  m_refusal = 0;
  m_continue = false;
}

void RequestReader::refuse(int status) {
  m_refusal = status;
  m_state = State::refused;
}

} // namespace linkhook
