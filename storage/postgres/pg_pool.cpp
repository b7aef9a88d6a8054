#include "storage/postgres/pg_pool.hpp"

#include "storage/store_error.hpp"

namespace rolecall {

namespace {
constexpr std::chrono::milliseconds kFailFast{250};
}  // namespace

PgPool::PgPool(std::string url, std::string redacted, int size,
               std::chrono::milliseconds acquire_timeout, int connect_timeout_s)
    : url_(std::move(url)),
      redacted_(std::move(redacted)),
      size_(size < 1 ? 1 : size),
      acquire_timeout_(acquire_timeout),
      connect_timeout_s_(connect_timeout_s) {}

PgPool::~PgPool() = default;

PgPool::Lease::~Lease() {
  if (pool_ && conn_) pool_->give_back(std::move(conn_), generation_, discard_);
}

PgPool::Lease PgPool::acquire() {
  std::unique_lock lock(mu_);
  bool counted = false;
  const auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
  for (;;) {
    if (!idle_.empty()) {
      Idle idle = std::move(idle_.back());
      idle_.pop_back();
      ++in_use_;
      if (counted) --waiting_;
      return Lease(*this, std::move(idle.conn), idle.generation);
    }
    if (open_ < size_) {
      if (!last_connect_error_.empty() &&
          std::chrono::steady_clock::now() - last_connect_failure_ < kFailFast) {
        if (counted) --waiting_;
        throw StoreError(last_connect_error_);
      }
      ++open_;
      ++in_use_;
      if (counted) --waiting_;
      const std::uint64_t generation = generation_;
      lock.unlock();
      try {
        auto conn = std::make_unique<PgConnection>(url_, redacted_, connect_timeout_s_);
        std::lock_guard relock(mu_);
        ++connects_;
        last_connect_error_.clear();
        return Lease(*this, std::move(conn), generation);
      } catch (const StoreError& e) {
        std::lock_guard relock(mu_);
        last_connect_error_ = e.what();
        last_connect_failure_ = std::chrono::steady_clock::now();
        --open_;
        --in_use_;
        cv_.notify_one();
        throw;
      } catch (...) {
        std::lock_guard relock(mu_);
        --open_;
        --in_use_;
        cv_.notify_one();
        throw;
      }
    }
    if (!counted) {
      counted = true;
      ++waiting_;
      ++waits_;
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= size_) {
      --waiting_;
      throw StoreError("database " + redacted_ + ": all " + std::to_string(size_) +
                       " pooled connections stayed busy for " +
                       std::to_string(acquire_timeout_.count()) +
                       " ms (storage.pool_size may be too small)");
    }
  }
}

void PgPool::give_back(std::unique_ptr<PgConnection> conn, std::uint64_t generation, bool discard) {
  std::vector<Idle> dropped;  // closed outside the lock
  {
    std::lock_guard lock(mu_);
    --in_use_;
    if (discard || conn->broken()) {
      --open_;
      ++discarded_;
      dropped.push_back({std::move(conn), generation});
      if (generation >= generation_) {
        // The others idle since before this one broke most likely broke
        // with it (a server restart cuts them all).
        ++generation_;
        for (auto& idle : idle_) {
          --open_;
          ++discarded_;
          dropped.push_back(std::move(idle));
        }
        idle_.clear();
      }
    } else {
      idle_.push_back({std::move(conn), generation});
    }
  }
  cv_.notify_all();
}

void PgPool::server_answered() {
  std::lock_guard lock(mu_);
  last_connect_error_.clear();
}

PgPoolStats PgPool::stats() const {
  std::lock_guard lock(mu_);
  return {size_, open_, in_use_, waiting_, waits_, connects_, discarded_};
}

}  // namespace rolecall
