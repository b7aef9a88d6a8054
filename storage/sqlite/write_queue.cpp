#include "storage/sqlite/write_queue.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <thread>

#include "storage/sqlite/connection.hpp"

namespace rolecall {

WriteQueue::WriteQueue(Connection& writer, Describe describe, std::size_t max_batch)
    : writer_(writer),
      describe_(std::move(describe)),
      max_batch_(max_batch ? max_batch : 1),
      max_spinners_(std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1)) {}

void WriteQueue::submit(Job& job) {
  std::unique_lock lock(mu_);
  queue_.push_back(&job);
  if (leader_active_) {
    lock.unlock();
    // Spinners beyond the cores would only take CPU from the leader.
    if (spinners_.fetch_add(1) < max_spinners_) {
      const auto until = std::chrono::steady_clock::now() + spin;
      while (!job.done.load(std::memory_order_acquire) &&
             !job.lead.load(std::memory_order_acquire) &&
             std::chrono::steady_clock::now() < until) {
        std::this_thread::yield();
      }
    }
    spinners_.fetch_sub(1);
    // Taking the mutex also waits until the leader has finished notifying
    // (it notifies under the mutex), so `job` may be destroyed after return.
    lock.lock();
    job.wake.wait(lock, [&] { return job.done.load() || job.lead.load(); });
    if (job.done) return;
  }
  leader_active_ = true;

  // Lead until our own job is through (jobs are taken in arrival order, so
  // that is at most a few batches), then run one more batch if jobs are
  // waiting before handing over: a handover moves the writer connection (its
  // page cache, SQLite's state) to another thread and core and costs that
  // thread a wake-up, while this core is warm. One batch bounds what it adds
  // to our caller's wait (one commit); it made 2-16 writing threads 15-30 %
  // faster on the 2-core VM (bench/RESULTS.md).
  bool extra_done = false;
  while (!job.done || (!extra_done && !queue_.empty())) {
    if (job.done) extra_done = true;
    std::vector<Job*> batch;
    while (!queue_.empty() && batch.size() < max_batch_) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    run_batch(batch);
    lock.lock();
    // Notified under the lock: an owner can only see `done` and destroy its
    // job after we let go of the mutex.
    for (Job* j : batch) {
      j->done = true;
      if (j != &job) j->wake.notify_one();
    }
  }
  if (queue_.empty()) {
    leader_active_ = false;
  } else {
    queue_.front()->lead = true;  // the oldest waiting owner takes over
    queue_.front()->wake.notify_one();
  }
}

std::size_t WriteQueue::waiting() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void WriteQueue::run_batch(const std::vector<Job*>& batch) {
  sqlite3* handle = writer_.db().getHandle();
  auto rollback = [&] {
    if (!sqlite3_get_autocommit(handle)) writer_.db().tryExec("ROLLBACK");
  };
  // Inside a catch block: `job`'s error for the current exception.
  auto error_for = [&](const Job& job, const char* phase) -> std::exception_ptr {
    try {
      throw;
    } catch (const SQLite::Exception& e) {
      return std::make_exception_ptr(describe_(job.op, phase, e));
    } catch (...) {
      return std::current_exception();
    }
  };
  // Inside a catch block: roll back and fail every job not failed yet (the
  // ones that had succeeded are undone too).
  auto abandon = [&](const char* phase) {
    for (Job* j : batch) {
      if (!j->error) j->error = error_for(*j, phase);
    }
    rollback();
  };

  try {
    writer_.run("BEGIN IMMEDIATE");
  } catch (...) {
    abandon("begin");
    return;
  }

  if (batch.size() == 1) {
    try {
      batch[0]->run(writer_);
    } catch (...) {
      abandon("write");
      return;
    }
  } else {
    bool any_ok = false;
    for (Job* j : batch) {
      // Each job in its own savepoint, so a failing one leaves the others.
      // Should a savepoint itself fail (SQLite rolls the whole transaction
      // back on some errors, e.g. disk full), the batch is given up whole.
      try {
        writer_.run("SAVEPOINT job");
      } catch (...) {
        abandon("savepoint");
        return;
      }
      try {
        j->run(writer_);
      } catch (...) {
        j->error = error_for(*j, "write");
        try {
          writer_.run("ROLLBACK TO job");
          writer_.run("RELEASE job");
        } catch (...) {
          abandon("rollback to savepoint");
          return;
        }
        continue;
      }
      try {
        writer_.run("RELEASE job");
      } catch (...) {
        abandon("release savepoint");
        return;
      }
      any_ok = true;
    }
    if (!any_ok) {
      rollback();
      return;
    }
  }

  try {
    writer_.run("COMMIT");
  } catch (...) {
    abandon("commit");
    return;
  }
  transactions_.fetch_add(1);
  jobs_.fetch_add(batch.size());
}

}  // namespace rolecall
