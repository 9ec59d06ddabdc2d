# `cpack -G DEB` in the build tree makes linkhook_<version>_<arch>.deb: the binary (one file),
# the completions and the man page under /usr, with the runtime dependencies that
# dpkg-shlibdeps (dpkg-dev) finds in them.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME linkhook)
set(CPACK_PACKAGE_VENDOR "linkhook")
set(CPACK_PACKAGE_CONTACT "linkhook maintainers <linkhook@example.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}: Linkzly webhook payloads, signatures, deliveries")
set(CPACK_PACKAGE_DESCRIPTION
    "linkhook generates sample Linkzly webhook payloads, signs and verifies them (Standard Webhooks, Stripe, GitHub schemes), sends them to an endpoint and runs a local endpoint that verifies what it receives.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
include(CPack)
