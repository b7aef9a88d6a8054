#pragma once
// Group commit for the one writer connection. Every write of SqliteStore is
// a Job; a thread that submits one while no commit is running becomes the
// leader and runs every job waiting at that moment in ONE transaction (each
// job in its own savepoint, so one failing job does not undo the others),
// commits once, and wakes the owners; once its own job is through it runs
// at most one more batch, then hands the lead to the oldest waiting owner.
// Each caller still returns only after
// its own write has committed, so durability per call is unchanged; under
// concurrent load the per-commit cost (WAL frames, locks) is shared.

#include <SQLiteCpp/Exception.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "storage/store.hpp"

namespace rolecall {

class Connection;

class WriteQueue {
 public:
  struct Job {
    const char* op = "write";  // names the operation in error messages
    // Runs on the leader's thread inside the transaction; may throw.
    std::function<void(Connection&)> run;
    std::exception_ptr error{};  // set when the job or its commit failed
    std::atomic<bool> done{false};
    // Queue internals: each waiting owner sleeps on its own job, so a commit
    // wakes exactly the owners it finished (and at most one new leader).
    std::atomic<bool> lead{false};
    std::condition_variable wake{};
  };
  // Turns an SQLite failure of the transaction around a job (phase: "begin",
  // "commit", ...) into the StoreError that job's caller gets.
  using Describe =
      std::function<StoreError(const char* op, const char* phase, const SQLite::Exception&)>;

  WriteQueue(Connection& writer, Describe describe, std::size_t max_batch = 256);

  // Blocks until `job` has committed or failed (job.error). Thread-safe.
  // A waiting owner first spins (yielding) for up to `spin`, then sleeps:
  // on a 2-core VM a cross-core futex wake-up cost ~60 us, more than a
  // whole commit, so sleeping at once made group commit slower than none.
  // At most cores - 1 owners spin at a time; the rest sleep at once.
  void submit(Job& job);

  static constexpr auto spin = std::chrono::microseconds(200);

  // Jobs waiting for a leader (tests use it to line up a batch).
  std::size_t waiting();

  std::uint64_t transactions() const noexcept { return transactions_.load(); }
  std::uint64_t jobs() const noexcept { return jobs_.load(); }

 private:
  void run_batch(const std::vector<Job*>& batch);

  Connection& writer_;
  Describe describe_;
  std::size_t max_batch_;
  std::mutex mu_;
  std::deque<Job*> queue_;
  bool leader_active_ = false;
  int max_spinners_;  // cores - 1: one core stays for the leader
  std::atomic<int> spinners_{0};
  std::atomic<std::uint64_t> transactions_{0};
  std::atomic<std::uint64_t> jobs_{0};
};

}  // namespace rolecall
