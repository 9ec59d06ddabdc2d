#pragma once

#include "base/posix_file.hpp"
#include "net/server.hpp"
#include "store/event_store.hpp"

#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

// The inspector's `api/stream`: each record appended to the store, by any process, goes to every
// open stream as a Server-Sent Event, `delivery`, with its summary as data and its record id as
// the event's id.
namespace linkhook {

class LiveFeed {
public:
  explicit LiveFeed(const std::filesystem::path& store);
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;
  ~LiveFeed(); // stops

  // Follows the store from a thread of its own until `interrupt` (a descriptor) is readable.
  void start(int interrupt);
  // Joins that thread; every stream still open is ended.
  void stop();

  // Sends the stream each record appended from now on.
  void add(std::shared_ptr<AnswerStream> stream);

private:
  void run(int interrupt);
  void push(std::string_view bytes);

  bool wait_for_stream(int interrupt);

  StoreFollower m_follower; // its thread's
  FileDescriptor m_added;   // an eventfd: a stream was added
  std::mutex m_mutex;       // guards what follows
  std::vector<std::shared_ptr<AnswerStream>> m_streams;
  std::thread m_thread;
};

} // namespace linkhook
