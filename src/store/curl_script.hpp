#pragma once

#include "store/record.hpp"

#include <cstddef>
#include <string>

// `store export --format curl`: a POSIX shell script that re-sends records with curl, each with
// its exact body bytes and headers. Every byte that comes from a record reaches the shell inside
// single quotes (or as base64), so that no record, however hostile, makes the script run anything
// but curl.
namespace linkhook {

// The script's start: `sh SCRIPT URL` re-sends every record to URL, printing each status.
std::string curl_script_head();

// The script's end: exit 1 unless every answer was a 2xx.
std::string curl_script_tail();

// One record's curl command (the `number`th), with a comment naming it.
std::string curl_command(const StoreRecord& record, std::size_t number);

} // namespace linkhook
