#pragma once
// An SQLite VFS that writes each transaction's WAL frames with one write()
// instead of two per page.
//
// Why: SQLite appends a frame to the WAL as two pwrite() calls (the 24-byte
// frame header, then the page), so a routing insert that dirties 5 pages cost
// 10 system calls per commit, and a system call is expensive on a
// paravirtualised VM (perf: pwrite was ~40 % of a commit's time). This VFS
// wraps the default one ("unix") and, for WAL files only, collects
// consecutive appends in memory and hands them to the real file as one write
// when the frame that ends a transaction (a commit frame: its header carries
// the database size) is complete.
//
// What it does not change: a COMMIT still returns only after every frame of
// its transaction went to the operating system (the flush happens inside the
// commit frame's own write, so an error fails that COMMIT), so a committed
// transaction survives SIGKILL exactly as before. Frames only become visible
// to other connections and processes when SQLite updates the WAL index after
// those writes. The file format is untouched: plain SQLite (and the sqlite3
// shell) reads the files. Anything else done to the WAL file (read, sync,
// truncate, size, close, file control) first writes out what is collected,
// as does a non-contiguous write or 64 KiB of collected frames. Only appends
// are collected: a write into what this connection already wrote (a page
// rewritten within a transaction that spilled, the frame headers SQLite then
// rewrites with new checksums, the commit frame's last) goes straight to the
// file. When a transaction ends without a commit (it spilled frames, then
// rolled back), what it left collected is written as its connection releases
// the WAL write lock (seen on the database file, linked to its WAL file),
// never later, when another connection or process may have appended there.
// A WAL file that cannot be linked is not coalesced. Database, journal and
// temporary files pass straight through.

namespace rolecall {

// Registers the VFS once (thread-safe) and returns its name, for
// sqlite3_open_v2 / SQLite::Database. Throws std::runtime_error when there is
// no default VFS to wrap.
const char* wal_coalescing_vfs();

// Test hooks: how many WAL writes SQLite asked for and how many reached the
// file, counted over every connection of the process.
struct WalWriteCounts {
  unsigned long long requested = 0;
  unsigned long long issued = 0;
};
WalWriteCounts wal_write_counts() noexcept;

}  // namespace rolecall
