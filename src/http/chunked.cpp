#include "http/chunked.hpp"

#include "base/encoding.hpp"
#include "http/headers.hpp"

#include <algorithm>

namespace linkhook {

std::optional<std::uint64_t> parse_chunk_size(std::string_view line) {
  const auto digits = trim_blanks(line.substr(0, line.find(';')));
  if (digits.empty() || digits.size() > 15) {
    return std::nullopt;
  }
  std::uint64_t size = 0;
  for (const char c : digits) {
    const auto digit = hex_value(c);
    if (digit < 0) {
      return std::nullopt;
    }
    size = size * 16 + static_cast<std::uint64_t>(digit);
  }
  return size;
}

ChunkedDecoder::State ChunkedDecoder::state() const {
  switch (m_part) {
  case Part::done:
    return State::done;
  case Part::malformed:
    return State::malformed;
  case Part::too_large:
    return State::too_large;
  default:
    return State::more;
  }
}

ChunkedDecoder::Step ChunkedDecoder::next(std::string_view input) {
  Step step;
  while (step.used < input.size() && state() == State::more) {
    const auto rest = input.substr(step.used);
    if (m_part == Part::data) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(m_left, rest.size()));
      m_left -= n;
      m_part = m_left == 0 ? Part::data_end : Part::data;
      step.data = rest.substr(0, n);
      step.used += n;
      return step;
    }
    const auto lf = rest.find('\n');
    const auto taken = lf == std::string_view::npos ? rest.size() : lf + 1;
    m_line.append(rest.substr(0, taken));
    step.used += taken;
    // The limit counts a line's CR but not its LF, whether the line arrives whole or in pieces.
    const auto max = m_part == Part::data_end ? 2 : k_max_line;
    if (m_line.size() - (lf == std::string_view::npos ? 0 : 1) > max) {
      m_part = Part::malformed;
    } else if (lf != std::string_view::npos) {
      if (m_line.size() < 2 || m_line[m_line.size() - 2] != '\r') {
        m_part = Part::malformed; // a bare LF ends no line here
      } else {
        end_line(std::string_view(m_line).substr(0, m_line.size() - 2));
      }
      m_line.clear();
    }
  }
  return step;
}

void ChunkedDecoder::end_line(std::string_view line) {
  switch (m_part) {
  case Part::size_line: {
    const auto size = parse_chunk_size(line);
    if (!size) {
      m_part = Part::malformed;
    } else if (*size == 0) {
      m_part = Part::trailer;
    } else if (*size > m_max_body - m_body) {
      m_part = Part::too_large;
    } else {
      m_body += *size;
      m_left = *size;
      m_part = Part::data;
    }
    break;
  }
  case Part::data_end:
    m_part = line.empty() ? Part::size_line : Part::malformed;
    break;
  case Part::trailer:
    if (line.empty()) {
      m_part = Part::done;
    } else if (++m_trailers > k_max_trailers) {
      m_part = Part::malformed;
    }
    break;
  default:
    break;
  }
}

} // namespace linkhook
