#include "net/delivery_outcome.hpp"

namespace linkhook {

std::string_view delivery_error_name(DeliveryError error) {
  switch (error) {
  case DeliveryError::none:
    return "";
  case DeliveryError::refused:
    return "refused";
  case DeliveryError::timeout:
    return "timeout";
  case DeliveryError::tls:
    return "tls";
  case DeliveryError::interrupted:
    return "interrupted";
  case DeliveryError::other:
    break;
  }
  return "other";
}

std::string status_text(const DeliveryOutcome& outcome) {
  return outcome.error == DeliveryError::none ? std::to_string(outcome.status)
                                              : std::string(delivery_error_name(outcome.error));
}

} // namespace linkhook
