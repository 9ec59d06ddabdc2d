#include "base/encoding.hpp"

#include <array>

namespace linkhook {

namespace {

constexpr std::string_view k_base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view k_hex_digits = "0123456789abcdef";

constexpr int k_invalid = -1;

// Each byte's 6-bit value in the base64 alphabet, k_invalid for bytes outside it.
constexpr std::array<int, 256> make_base64_table() {
  std::array<int, 256> table{};
  table.fill(k_invalid);
  for (std::size_t i = 0; i < k_base64_alphabet.size(); ++i) {
    table[static_cast<unsigned char>(k_base64_alphabet[i])] = static_cast<int>(i);
  }
  return table;
}

constexpr auto k_base64_table = make_base64_table();

} // namespace

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return k_invalid;
}

std::span<const unsigned char> as_bytes(std::string_view text) {
  return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

std::string base64_encode(std::span<const unsigned char> bytes) {
  std::string out;
  base64_append(out, bytes);
  return out;
}

void base64_append(std::string& out, std::span<const unsigned char> bytes) {
  out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned group =
        (unsigned{bytes[i]} << 16) | (unsigned{bytes[i + 1]} << 8) | bytes[i + 2];
    out += k_base64_alphabet[(group >> 18) & 63];
    out += k_base64_alphabet[(group >> 12) & 63];
    out += k_base64_alphabet[(group >> 6) & 63];
    out += k_base64_alphabet[group & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    const unsigned group =
        (unsigned{bytes[i]} << 16) | (rest == 2 ? unsigned{bytes[i + 1]} << 8 : 0U);
    out += k_base64_alphabet[(group >> 18) & 63];
    out += k_base64_alphabet[(group >> 12) & 63];
    out += rest == 2 ? k_base64_alphabet[(group >> 6) & 63] : '=';
    out += '=';
  }
}

std::optional<Bytes> base64_decode(std::string_view text) {
  std::size_t padding = 0;
  while (!text.empty() && text.back() == '=' && padding < 2) {
    text.remove_suffix(1);
    ++padding;
  }
  if (text.size() % 4 == 1 || (padding > 0 && (text.size() + padding) % 4 != 0)) {
    return std::nullopt;
  }
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = k_base64_table[static_cast<unsigned char>(c)];
    if (value == k_invalid) {
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<unsigned char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::string hex_encode(std::span<const unsigned char> bytes) {
  std::string out;
  hex_append(out, bytes);
  return out;
}

void hex_append(std::string& out, std::span<const unsigned char> bytes) {
  out.reserve(out.size() + bytes.size() * 2);
  for (const unsigned char b : bytes) {
    out += k_hex_digits[b >> 4];
    out += k_hex_digits[b & 15];
  }
}

std::optional<Bytes> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) {
    return std::nullopt;
  }
  Bytes out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = hex_value(text[i]);
    const int low = hex_value(text[i + 1]);
    if (high == k_invalid || low == k_invalid) {
      return std::nullopt;
    }
    out.push_back(static_cast<unsigned char>(high * 16 + low));
  }
  return out;
}

} // namespace linkhook
