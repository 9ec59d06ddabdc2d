# Every dependency comes from an installed Debian package (scripts/lib.sh installs them).
find_package(CLI11 CONFIG REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(fmt REQUIRED)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
# Debian ships cpp-httplib as a shared library built with OpenSSL, zlib and brotli.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
if(LINKHOOK_TESTS)
  find_package(doctest REQUIRED)
endif()
