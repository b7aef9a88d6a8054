#pragma once
// Moves WAL checkpoints off the write path. SQLite's default runs a
// checkpoint inside the COMMIT that grows the WAL past 1000 pages, and in
// synchronous=NORMAL that checkpoint fsyncs the WAL and the database while
// the writer (and so every queued write) waits. Here the writer's commits
// only count WAL pages; past `threshold_pages` a background thread, on its
// own connection, runs a PASSIVE checkpoint, which blocks nobody.
//
// A PASSIVE checkpoint cannot finish while writes keep appending to the WAL,
// and the WAL only starts over once a checkpoint has caught up, so under
// sustained writes it would grow without bound. Past 8 x threshold the
// committing writer therefore checkpoints itself, as SQLite's own
// autocheckpoint would (most pages are already copied by then).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace rolecall {

class Connection;

class Checkpointer {
 public:
  // Opens its own connection to `path` (through the WAL-coalescing VFS when
  // `wal_coalescing`, like the store's). Throws SQLite::Exception.
  Checkpointer(const std::string& path, int busy_timeout_ms, int threshold_pages,
               bool wal_coalescing = false);
  ~Checkpointer();  // stops the thread; call detach() on the writer first
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Takes over the writer connection's WAL hook (this also turns its
  // autocheckpoint off); detach() gives it back to nobody.
  void attach(sqlite3* writer);
  static void detach(sqlite3* writer);

  std::uint64_t background_checkpoints() const noexcept { return background_.load(); }
  std::uint64_t inline_checkpoints() const noexcept { return inline_.load(); }

 private:
  static int on_commit(void* self, sqlite3* db, const char* name, int wal_pages);
  void loop();

  std::unique_ptr<Connection> conn_;
  int threshold_pages_;
  int next_trigger_;  // WAL size that asks for the next background checkpoint (writer's thread)
  std::mutex checkpoint_mu_;  // held while either side checkpoints
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;
  bool stop_ = false;
  std::atomic<std::uint64_t> background_{0};
  std::atomic<std::uint64_t> inline_{0};
  std::thread thread_;
};

}  // namespace rolecall
