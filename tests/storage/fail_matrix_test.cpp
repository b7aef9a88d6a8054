// The environment failing under the store: every case ends in a StoreError
// that names the path and says what is wrong, never a crash or a raw
// SQLite exception.

#include <SQLiteCpp/Database.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>

#include "storage/sqlite/sqlite_store.hpp"
#include "tests/storage/child_process.hpp"
#include "tests/storage/scratch_dir.hpp"
#include "tests/storage/store_fixtures.hpp"
#include "tests/storage/suite_options.hpp"
#include "tests/support/routing_history.hpp"

namespace rolecall {
namespace {

using storage_test::fork_child;
using storage_test::make_routing;
using storage_test::Pipe;
using storage_test::ScratchDir;
using storage_test::wait_child;
using ::testing::HasSubstr;

constexpr std::int64_t kT0 = 1'763'900'000;

// The StoreError message of opening `path`, or "" when it opened.
std::string open_error(const std::string& path,
                       SqliteStoreOptions options = storage_test::test_store_options()) {
  try {
    SqliteStore store(path, options);
  } catch (const StoreError& e) {
    return e.what();
  }
  return "";
}

TEST(FailMatrix, PathIsADirectory) {
  ScratchDir dir;
  std::filesystem::create_directories(dir.path() / "db");
  const auto msg = open_error(dir.file("db"));
  EXPECT_THAT(msg, HasSubstr(dir.file("db")));
  EXPECT_THAT(msg, HasSubstr("is a directory"));
}

TEST(FailMatrix, ParentIsAFile) {
  ScratchDir dir;
  std::ofstream(dir.file("var")) << "not a directory";
  const auto msg = open_error(dir.file("var/rolecall.db"));
  EXPECT_THAT(msg, HasSubstr("cannot create directory"));
  EXPECT_THAT(msg, HasSubstr(dir.file("var")));
}

TEST(FailMatrix, EmptyPath) { EXPECT_THAT(open_error(""), HasSubstr("path is empty")); }

TEST(FailMatrix, NotADatabase) {
  ScratchDir dir;
  const std::string path = dir.file("notes.txt");
  std::ofstream(path) << std::string(8192, 'x');
  const auto msg = open_error(path);
  EXPECT_THAT(msg, HasSubstr(path));
  EXPECT_THAT(msg, HasSubstr("not a database"));
}

TEST(FailMatrix, CorruptPagesAreReportedNotCrashed) {
  ScratchDir dir;
  const std::string path = dir.file("db.sqlite");
  {
    SqliteStore store(path, storage_test::test_store_options());
    for (int i = 0; i < 300; ++i) store.record_routing(make_routing("T1", kT0 + i));
  }
  {
    // Scribble over everything after the first page (the header stays valid).
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    const std::string junk(64 * 1024, '\xA5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  std::string msg;
  try {
    SqliteStore store(path, storage_test::test_store_options());
    store.list_routings({});
    store.record_routing(make_routing("T1", kT0));
  } catch (const StoreError& e) {
    msg = e.what();
  }
  EXPECT_THAT(msg, HasSubstr(path));
  EXPECT_THAT(msg, HasSubstr("restore a backup"));
}

// Marks a directory immutable (even root cannot create files in it) for the
// lifetime of the object. ok() is false where the file system lacks the flag.
class ImmutableDir {
 public:
  explicit ImmutableDir(const std::filesystem::path& p) : fd_(::open(p.c_str(), O_RDONLY)) {
    if (fd_ < 0 || ::ioctl(fd_, FS_IOC_GETFLAGS, &flags_) != 0) return;
    int flags = flags_ | FS_IMMUTABLE_FL;
    ok_ = ::ioctl(fd_, FS_IOC_SETFLAGS, &flags) == 0;
  }
  ~ImmutableDir() {
    if (ok_) ::ioctl(fd_, FS_IOC_SETFLAGS, &flags_);
    if (fd_ >= 0) ::close(fd_);
  }
  ImmutableDir(const ImmutableDir&) = delete;
  ImmutableDir& operator=(const ImmutableDir&) = delete;
  bool ok() const { return ok_; }

 private:
  int fd_;
  int flags_ = 0;
  bool ok_ = false;
};

TEST(FailMatrix, ReadOnlyDirectoryForANewDatabase) {
  ScratchDir dir;
  std::filesystem::create_directories(dir.path() / "ro");
  ImmutableDir ro(dir.path() / "ro");
  if (!ro.ok()) GTEST_SKIP() << "file system without the immutable flag";
  const std::string path = dir.file("ro/rolecall.db");
  const auto msg = open_error(path);
  EXPECT_THAT(msg, HasSubstr(path));
  EXPECT_THAT(msg, HasSubstr("writable"));
}

TEST(FailMatrix, ReadOnlyDirectoryForAnExistingDatabase) {
  ScratchDir dir;
  const std::string path = dir.file("ro/rolecall.db");
  {
    SqliteStore create(path, storage_test::test_store_options());
  }  // closes cleanly: no -wal / -shm left
  ImmutableDir ro(dir.path() / "ro");
  if (!ro.ok()) GTEST_SKIP() << "file system without the immutable flag";
  // WAL needs its -wal and -shm files next to the database.
  std::string msg;
  try {
    SqliteStore store(path, storage_test::test_store_options());
    store.record_routing(make_routing("T1", kT0));
  } catch (const StoreError& e) {
    msg = e.what();
  }
  EXPECT_THAT(msg, HasSubstr(path));
}

TEST(FailMatrix, LockedBeyondTheBusyTimeout) {
  ScratchDir dir;
  const std::string path = dir.file("db.sqlite");
  SqliteStoreOptions options = storage_test::test_store_options();
  options.busy_timeout_ms = 100;
  SqliteStore store(path, options);
  const auto id = store.record_routing(make_routing("T1", kT0));

  SQLite::Database hog(path, SQLite::OPEN_READWRITE);
  hog.exec("BEGIN IMMEDIATE");  // another process/connection sits on the write lock
  try {
    store.record_routing(make_routing("T1", kT0 + 1));
    ADD_FAILURE() << "wrote through a held write lock";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("record_routing"));
    EXPECT_THAT(e.what(), HasSubstr("busy timeout"));
  }
  EXPECT_THROW(store.change_routing_status({id, RoutingStatus::open, RoutingStatus::acknowledged,
                                            Role::none, "U", kT0 + 2}),
               StoreError);
  // WAL readers are not blocked by a writer.
  EXPECT_TRUE(store.get_routing(id).has_value());
  EXPECT_TRUE(store.ping());
  hog.exec("ROLLBACK");
  // And the writer works again once the lock is released.
  EXPECT_TRUE(store.change_routing_status(
      {id, RoutingStatus::open, RoutingStatus::acknowledged, Role::none, "U", kT0 + 3}));
  EXPECT_EQ(test::routing_history(store, id).size(), 1u);
}

TEST(FailMatrix, FileSizeLimitHitThenRecovered) {
  ScratchDir dir;
  const std::string path = dir.file("db.sqlite");
  { SqliteStore create(path, storage_test::test_store_options()); }
  Pipe report;
  const pid_t child = fork_child([&] {
    report.close_read();
    ::signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG
    SqliteStore store(path, storage_test::test_store_options());
    rlimit rl{};
    ::getrlimit(RLIMIT_FSIZE, &rl);
    const rlimit original = rl;
    rl.rlim_cur = 1 << 20;  // 1 MiB for any file this process writes
    ::setrlimit(RLIMIT_FSIZE, &rl);
    std::string error;
    for (int i = 0; i < 1000 && error.empty(); ++i) {
      try {
        store.record_routing(
            make_routing("T1", kT0 + i, Role::product_owner, "t", std::string(20'000, 'w')));
      } catch (const StoreError& e) {
        error = e.what();
      }
    }
    ::setrlimit(RLIMIT_FSIZE, &original);
    report.write_string(error.empty() ? "no error" : error);
    report.write_string("\n");
    try {
      store.record_routing(make_routing("T1", kT0, Role::product_owner, "t", "after"));
      report.write_string("recovered");
    } catch (const StoreError& e) {
      report.write_string(std::string("still failing: ") + e.what());
    }
    return 0;
  });
  report.close_write();
  const std::string out = report.read_to_end();
  ASSERT_EQ(wait_child(child), 0);
  EXPECT_THAT(out, HasSubstr(path));
  EXPECT_THAT(out, HasSubstr("record_routing"));
  EXPECT_THAT(out, HasSubstr("\nrecovered"));
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
}

TEST(FailMatrix, BackupToBadPlaces) {
  ScratchDir dir;
  const std::string path = dir.file("db.sqlite");
  SqliteStore store(path, storage_test::test_store_options());
  std::filesystem::create_directories(dir.path() / "adir");
  std::ofstream(dir.file("afile")) << "x";

  auto backup_error = [&](const std::string& target) {
    try {
      store.backup(target);
    } catch (const StoreError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_THAT(backup_error(dir.file("adir")), HasSubstr("is a directory"));
  EXPECT_THAT(backup_error(dir.file("afile/backup.db")), HasSubstr("cannot create directory"));
  EXPECT_THAT(backup_error(path), HasSubstr("live database itself"));
  EXPECT_THAT(backup_error(dir.file("afile")), HasSubstr("not an SQLite database"));
  EXPECT_EQ(storage_test::read_all(dir.file("afile")), "x");  // left alone
  EXPECT_TRUE(store.ping());                                  // the store is unharmed
}

}  // namespace
}  // namespace rolecall
