# Every target of the project links this to get the same warnings.
add_library(linkhook_warnings INTERFACE)
target_compile_options(
  linkhook_warnings
  INTERFACE -Wall
            -Wextra
            -Wpedantic
            -Wshadow
            -Wconversion
            -Wsign-conversion
            -Wnon-virtual-dtor
            -Wold-style-cast
            -Woverloaded-virtual
            -Wimplicit-fallthrough
            -Wformat=2
            -Wcast-qual)
if(LINKHOOK_WERROR)
  target_compile_options(linkhook_warnings INTERFACE -Werror)
endif()
