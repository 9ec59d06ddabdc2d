#pragma once

#include "store/batch_writer.hpp"
#include "store/event_store.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

// The --store option, shared by every command that reads or writes the event store (store,
// listen, send, replay).
namespace linkhook::cmd {

// Adds --store DIR to `app`, bound to `dir`.
CLI::Option* add_store_option(CLI::App& app, std::optional<std::string>& dir);

// The store directory: --store as bound by add_store_option, else LINKHOOK_STORE, else
// ${XDG_STATE_HOME:-$HOME/.local/state}/linkhook. Throws Error (usage) when something else than
// a directory is in its place.
std::filesystem::path store_dir(const std::optional<std::string>& dir);

// The store a command writes to (listen, send, replay), open with its batch writer: both empty
// with --no-store. The writer goes first, finishing what it holds, then the store.
struct StoreWriting {
  std::unique_ptr<EventStore> store;
  std::unique_ptr<BatchWriter> writer;
};

// Opens the store in `dir` for writing.
StoreWriting open_for_writing(const std::filesystem::path& dir);

// Says on stderr what a scan of the store in `dir` skipped: a torn tail, normal after a crash,
// with a note; damage, including a damaged last record, with a warning. Never an error.
void report_damage(const StoreScan& scan, const std::filesystem::path& dir);

} // namespace linkhook::cmd
