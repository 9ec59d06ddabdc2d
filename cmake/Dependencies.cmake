# Every dependency comes from an installed Debian package (scripts/lib.sh installs them).
find_package(CLI11 CONFIG REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(fmt REQUIRED)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
# Debian ships cpp-httplib as a shared library built with OpenSSL, zlib and brotli. The binary's
# network layer is linkhook's own (src/net); the tests use cpp-httplib as an independent client
# (see doc/developing.md).
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# valijson (libvalijson-dev) is header-only: the JSON Schema validator of src/schema.
find_path(VALIJSON_INCLUDE_DIR valijson/validator.hpp REQUIRED)
# RapidJSON (rapidjson-dev) is header-only too: its validator decides in src/schema, valijson
# names the violation.
find_path(RAPIDJSON_INCLUDE_DIR rapidjson/schema.h REQUIRED)
if(LINKHOOK_TESTS)
  find_package(doctest REQUIRED)
endif()
