#include "storage/sqlite/checkpointer.hpp"

#include <sqlite3.h>

#include "storage/sqlite/connection.hpp"

namespace rolecall {

Checkpointer::Checkpointer(const std::string& path, int busy_timeout_ms, int threshold_pages,
                           bool wal_coalescing)
    : conn_(std::make_unique<Connection>(path, Connection::Mode::writer, busy_timeout_ms,
                                         wal_coalescing)),
      threshold_pages_(threshold_pages > 0 ? threshold_pages : 1000),
      next_trigger_(threshold_pages_),
      thread_([this] { loop(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Checkpointer::attach(sqlite3* writer) { sqlite3_wal_hook(writer, &on_commit, this); }

void Checkpointer::detach(sqlite3* writer) { sqlite3_wal_hook(writer, nullptr, nullptr); }

int Checkpointer::on_commit(void* self, sqlite3* db, const char*, int wal_pages) {
  auto* me = static_cast<Checkpointer*>(self);
  if (wal_pages >= 8 * me->threshold_pages_) {
    // Waits for a background checkpoint in progress (SQLite allows one
    // checkpointer at a time and would answer BUSY). No write of this
    // process can interleave now, so this one finishes and the next
    // transaction starts the WAL over.
    std::lock_guard running(me->checkpoint_mu_);
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    me->inline_.fetch_add(1);
    me->next_trigger_ = me->threshold_pages_;
    return SQLITE_OK;
  }
  // Once per `threshold` pages of growth: while writes keep the WAL from
  // starting over, asking on every commit would run back-to-back
  // checkpoints that each fsync twice for a handful of new pages.
  if (wal_pages < me->next_trigger_ - me->threshold_pages_) {
    me->next_trigger_ = me->threshold_pages_;  // the WAL started over
  }
  if (wal_pages >= me->next_trigger_) {
    me->next_trigger_ = wal_pages + me->threshold_pages_;
    {
      std::lock_guard lock(me->mu_);
      me->wanted_ = true;
    }
    me->cv_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return wanted_ || stop_; });
    if (stop_) return;
    wanted_ = false;
    lock.unlock();
    // PASSIVE: copies what it can without waiting for anyone. A busy or
    // failing checkpoint is harmless: the WAL just stays longer until the
    // next one (or the last connection's close) succeeds.
    {
      std::lock_guard running(checkpoint_mu_);
      sqlite3_wal_checkpoint_v2(conn_->db().getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                nullptr, nullptr);
    }
    background_.fetch_add(1);
    lock.lock();
  }
}

}  // namespace rolecall
