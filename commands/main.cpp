#include "support/app.hpp"

#include <cstdlib>

int main(int argc, char** argv) {
  const int exit_code = linkhook::cmd::run(argc, argv);
  // Leave without running exit handlers: OpenSSL's clean-up alone costs more than signing a
  // body, and the operating system frees everything anyway (run flushed the output). Sanitizer
  // builds exit normally, so that LeakSanitizer's check at exit runs.
#if defined(__SANITIZE_ADDRESS__)
  return exit_code;
#else
  std::_Exit(exit_code);
#endif
}
