# Script mode: runs COMMAND (a ;-list) and writes its standard output to OUTPUT, compressed with
# gzip when GZIP is set. The command runs without a config file of the user's (HOME and
# XDG_CONFIG_HOME point into the build tree), so that what is built does not depend on who builds.
set(ENV{HOME} "${CMAKE_CURRENT_BINARY_DIR}/no-home")
set(ENV{XDG_CONFIG_HOME} "${CMAKE_CURRENT_BINARY_DIR}/no-home")
execute_process(COMMAND ${COMMAND} OUTPUT_FILE "${OUTPUT}.tmp" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${COMMAND} failed: ${result}")
endif()
if(GZIP)
  execute_process(COMMAND gzip -9nf "${OUTPUT}.tmp" RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "gzip ${OUTPUT}.tmp failed: ${result}")
  endif()
  file(RENAME "${OUTPUT}.tmp.gz" "${OUTPUT}")
else()
  file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
endif()
