#pragma once

#include "http/headers.hpp"
#include "net/delivery_client.hpp"
#include "signing/scheme.hpp"
#include "signing/secret.hpp"
#include "signing/signature.hpp"

#include <atomic>
#include <cstddef>

// What `send` and `replay` share: where their workers POST, how they sign, and when they stop.
namespace linkhook {

struct DeliveryConfig {
  ClientConfig client;
  Scheme scheme = Scheme::standard;
  const Secret* secret = nullptr;
  std::size_t concurrency = 1; // workers, each with a kept-alive client of its own
  // Once set (by a signal, say), no new delivery or attempt starts; those in flight end.
  const std::atomic<bool>* stop = nullptr;

  bool stopped() const { return stop != nullptr && *stop; }
};

// The headers of one attempt: the signature headers of `message`, where the first header of
// `extra` (-H) with the same name replaces one, then the rest of `extra`, then Content-Type and
// User-Agent unless `extra` set them.
Headers delivery_headers(const DeliveryConfig& config, const Message& message,
                         const Headers& extra);
// The same, written into `into`, cleared first: its storage is reused.
void delivery_headers(Headers& into, const DeliveryConfig& config, const Message& message,
                      const Headers& extra);

} // namespace linkhook
