#include "storage/sqlite/wal_coalescing_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

namespace rolecall {

namespace {

constexpr const char* kName = "rolecall-wal-coalescing";
// Bigger transactions (bulk imports, retention chunks) go out in pieces of
// at most this size; the point is fewer system calls, not one per
// transaction. It must stay below 128 KiB: the unix VFS masks a write's
// length to 17 bits.
constexpr std::size_t kMaxCollected = 64u << 10;
// The WAL file format (https://sqlite.org/fileformat2.html#walformat).
constexpr std::size_t kWalHeader = 32;
constexpr std::size_t kFrameHeader = 24;

sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs{};
std::atomic<unsigned long long> g_requested{0};
std::atomic<unsigned long long> g_issued{0};

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// 0 when `header` is not a valid WAL header.
std::uint32_t page_size_of(const unsigned char* header) {
  const std::uint32_t magic = be32(header);
  if (magic != 0x377f0682 && magic != 0x377f0683) return 0;
  std::uint32_t size = be32(header + 8);
  if (size == 1) size = 65536;
  if (size < 512 || size > 65536 || (size & (size - 1)) != 0) return 0;
  return size;
}

struct Collected {
  std::vector<unsigned char> bytes;
  sqlite3_int64 start = 0;      // file offset of bytes[0]
  std::uint32_t page_size = 0;  // 0 = not known yet: writes pass straight through
  // End of the furthest write since the WAL header was last written. Only
  // appends at or past it are collected. A write before it rewrites what is
  // already there: the page of a frame written earlier in the same
  // transaction (after a cache spill), or the frame headers SQLite then
  // rewrites with new checksums after the commit frame, the last of them
  // the commit frame's own header. Those go straight to the file, so
  // nothing of a transaction is left in memory when its COMMIT returns.
  sqlite3_int64 appended_to = 0;
};

// SQLite allocates g_vfs.szOsFile bytes per open file: this struct, then the
// wrapped VFS's own file object.
struct ShimFile {
  sqlite3_file base;     // first, so sqlite3_file* converts to ShimFile*
  sqlite3_file* real;    // points just past this struct
  Collected* collected;  // WAL files linked to their database file only
  // A database file and its connection's WAL file point at each other
  // (g_link_mu guards the pointers while either opens or closes).
  ShimFile* wal;         // database file: its WAL file while open
  ShimFile* db;          // WAL file: its database file
  const char* wal_name;  // database file: the name SQLite will open its WAL with
};

// Database files whose WAL is not open yet. SQLite opens a connection's WAL
// with the name sqlite3_filename_wal() gives for its database file, the very
// same pointer, which is how the two are matched.
std::mutex g_link_mu;
std::vector<ShimFile*> g_unlinked_dbs;

// Where the wrapped file object starts (8-byte aligned, as SQLite's are).
constexpr std::size_t kHead = (sizeof(ShimFile) + 7) & ~std::size_t{7};

ShimFile* shim(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return shim(f)->real; }

int flush(ShimFile* f) {
  Collected* c = f->collected;
  if (!c || c->bytes.empty()) return SQLITE_OK;
  g_issued.fetch_add(1, std::memory_order_relaxed);
  const int rc = f->real->pMethods->xWrite(f->real, c->bytes.data(),
                                           static_cast<int>(c->bytes.size()), c->start);
  // Dropped even on failure: SQLite sees the error from this call and
  // rolls the transaction back; its frames never become visible.
  c->bytes.clear();
  return rc;
}

int flush_then(sqlite3_file* f) { return flush(shim(f)); }

// ---- io methods: flush what is collected before anything but a write.

int x_close(sqlite3_file* f) {
  ShimFile* s = shim(f);
  const int flushed = flush(s);
  {
    std::lock_guard lock(g_link_mu);
    if (s->db) {  // the connection may open its WAL again (journal mode switched back)
      s->db->wal = nullptr;
      g_unlinked_dbs.push_back(s->db);
    }
    if (s->wal) s->wal->db = nullptr;
    std::erase(g_unlinked_dbs, s);
  }
  const int rc = s->real->pMethods->xClose(s->real);
  delete s->collected;
  s->collected = nullptr;
  return flushed != SQLITE_OK ? flushed : rc;
}

int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  if (const int rc = flush_then(f); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xRead(real(f), buf, n, off);
}

int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  ShimFile* s = shim(f);
  Collected* c = s->collected;
  if (!c) return s->real->pMethods->xWrite(s->real, buf, n, off);
  g_requested.fetch_add(1, std::memory_order_relaxed);
  const auto* data = static_cast<const unsigned char*>(buf);

  if (off == 0 && n >= static_cast<int>(kWalHeader)) {
    c->page_size = page_size_of(data);  // a new WAL header (the WAL restarts)
    c->appended_to = 0;
  } else if (c->page_size == 0) {
    // This connection did not write the header (another one started the
    // WAL): read it once. The file is only appended to past it.
    if (const int rc = flush(s); rc != SQLITE_OK) return rc;
    unsigned char header[kWalHeader];
    if (s->real->pMethods->xRead(s->real, header, sizeof header, 0) == SQLITE_OK) {
      c->page_size = page_size_of(header);
    }
  }
  const sqlite3_int64 end_of_write = off + n;
  if (c->page_size == 0 || off < c->appended_to) {
    if (const int rc = flush(s); rc != SQLITE_OK) return rc;
    g_issued.fetch_add(1, std::memory_order_relaxed);
    c->appended_to = std::max(c->appended_to, end_of_write);
    return s->real->pMethods->xWrite(s->real, buf, n, off);
  }
  c->appended_to = end_of_write;

  if (!c->bytes.empty() && (off != c->start + static_cast<sqlite3_int64>(c->bytes.size()) ||
                            c->bytes.size() + static_cast<std::size_t>(n) > kMaxCollected)) {
    if (const int rc = flush(s); rc != SQLITE_OK) return rc;
  }
  if (static_cast<std::size_t>(n) > kMaxCollected) {
    g_issued.fetch_add(1, std::memory_order_relaxed);
    return s->real->pMethods->xWrite(s->real, buf, n, off);
  }
  if (c->bytes.empty()) c->start = off;
  c->bytes.insert(c->bytes.end(), data, data + n);

  // Did this write complete a frame that ends a transaction? Then the
  // COMMIT is waiting for it: write everything out now.
  const auto end = static_cast<std::uint64_t>(c->start) + c->bytes.size();
  const std::uint64_t frame = kFrameHeader + c->page_size;
  bool now = false;
  if (end > kWalHeader && (end - kWalHeader) % frame == 0) {
    const std::uint64_t header_at = end - frame;
    if (header_at < static_cast<std::uint64_t>(c->start)) {
      now = true;  // its header went out earlier: cannot tell, so assume it does
    } else {
      const unsigned char* h = c->bytes.data() + (header_at - static_cast<std::uint64_t>(c->start));
      now = be32(h + 4) != 0;  // a commit frame carries the database size in pages
    }
  }
  return now ? flush(s) : SQLITE_OK;
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (const int rc = flush_then(f); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xTruncate(real(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  if (const int rc = flush_then(f); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xSync(real(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  if (const int rc = flush_then(f); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xFileSize(real(f), size);
}
int x_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int x_unlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int x_check_reserved_lock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  if (const int rc = flush_then(f); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int x_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int x_device_characteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  ShimFile* s = shim(f);
  if ((flags & SQLITE_SHM_UNLOCK) && offset == 0 && s->wal) {
    // The WAL write lock (lock 0) is being released: the transaction is
    // over. A commit wrote its frames already; what is left belongs to one
    // that spilled and rolled back. It is written now, while this
    // connection still holds the lock, never later, when another
    // connection or process may have appended its own frames there. (A
    // failed write is harmless: no commit needs those frames.)
    flush(s->wal);
  }
  return s->real->pMethods->xShmLock(s->real, offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int x_shm_unmap(sqlite3_file* f, int remove) {
  return real(f)->pMethods->xShmUnmap(real(f), remove);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  if (const int rc = flush_then(f); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xFetch(real(f), off, n, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return real(f)->pMethods->xUnfetch(real(f), off, p);
}

// Our method table claims the same version as the wrapped file's, so SQLite
// never calls a method the real file lacks.
sqlite3_io_methods methods_for(int version) {
  sqlite3_io_methods m{};
  m.iVersion = version;
  m.xClose = x_close;
  m.xRead = x_read;
  m.xWrite = x_write;
  m.xTruncate = x_truncate;
  m.xSync = x_sync;
  m.xFileSize = x_file_size;
  m.xLock = x_lock;
  m.xUnlock = x_unlock;
  m.xCheckReservedLock = x_check_reserved_lock;
  m.xFileControl = x_file_control;
  m.xSectorSize = x_sector_size;
  m.xDeviceCharacteristics = x_device_characteristics;
  if (version >= 2) {
    m.xShmMap = x_shm_map;
    m.xShmLock = x_shm_lock;
    m.xShmBarrier = x_shm_barrier;
    m.xShmUnmap = x_shm_unmap;
  }
  if (version >= 3) {
    m.xFetch = x_fetch;
    m.xUnfetch = x_unfetch;
  }
  return m;
}
const sqlite3_io_methods g_methods[3] = {methods_for(1), methods_for(2), methods_for(3)};

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  ShimFile* s = shim(f);
  s->base.pMethods = nullptr;
  s->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + kHead);
  s->collected = nullptr;
  s->wal = nullptr;
  s->db = nullptr;
  s->wal_name = nullptr;
  const int rc = g_real->xOpen(g_real, name, s->real, flags, out_flags);
  if (s->real->pMethods) {
    // SQLite calls xClose whenever pMethods is set, even after a failed open.
    const int version = s->real->pMethods->iVersion;
    s->base.pMethods = &g_methods[version >= 3 ? 2 : version < 1 ? 0 : version - 1];
  }
  if (rc != SQLITE_OK || !s->real->pMethods || !name) return rc;
  std::lock_guard lock(g_link_mu);
  if (flags & SQLITE_OPEN_MAIN_DB) {
    s->wal_name = sqlite3_filename_wal(name);
    if (s->wal_name) g_unlinked_dbs.push_back(s);
  } else if (flags & SQLITE_OPEN_WAL) {
    const auto it = std::find_if(g_unlinked_dbs.begin(), g_unlinked_dbs.end(),
                                 [&](const ShimFile* db) { return db->wal_name == name; });
    // Only a WAL linked to its database file is coalesced: the link is what
    // writes out a rolled-back transaction's frames in time. Without memory
    // the file is not coalesced either.
    if (it != g_unlinked_dbs.end()) {
      s->collected = new (std::nothrow) Collected();
      if (s->collected) {
        s->db = *it;
        (*it)->wal = s;
        g_unlinked_dbs.erase(it);
      }
    }
  }
  return rc;
}

// Everything else is the wrapped VFS's.
int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_real->xDelete(g_real, name, sync_dir);
}
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void x_dl_error(sqlite3_vfs*, int n, char* out) { g_real->xDlError(g_real, n, out); }
void (*x_dl_sym(sqlite3_vfs*, void* h, const char* sym))(void) {
  return g_real->xDlSym(g_real, h, sym);
}
void x_dl_close(sqlite3_vfs*, void* h) { g_real->xDlClose(g_real, h); }
int x_randomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int x_sleep(sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); }
int x_current_time(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int x_get_last_error(sqlite3_vfs*, int n, char* out) {
  return g_real->xGetLastError ? g_real->xGetLastError(g_real, n, out) : 0;
}
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_real->xCurrentTimeInt64(g_real, out);
}
int x_set_system_call(sqlite3_vfs*, const char* name, sqlite3_syscall_ptr p) {
  return g_real->xSetSystemCall(g_real, name, p);
}
sqlite3_syscall_ptr x_get_system_call(sqlite3_vfs*, const char* name) {
  return g_real->xGetSystemCall(g_real, name);
}
const char* x_next_system_call(sqlite3_vfs*, const char* name) {
  return g_real->xNextSystemCall(g_real, name);
}

void register_vfs() {
  g_real = sqlite3_vfs_find(nullptr);
  if (!g_real) throw std::runtime_error("SQLite has no default VFS");
  g_vfs.iVersion = g_real->iVersion < 3 ? g_real->iVersion : 3;
  g_vfs.szOsFile = static_cast<int>(kHead) + g_real->szOsFile;
  g_vfs.mxPathname = g_real->mxPathname;
  g_vfs.zName = kName;
  g_vfs.xOpen = x_open;
  g_vfs.xDelete = x_delete;
  g_vfs.xAccess = x_access;
  g_vfs.xFullPathname = x_full_pathname;
  g_vfs.xDlOpen = x_dl_open;
  g_vfs.xDlError = x_dl_error;
  g_vfs.xDlSym = x_dl_sym;
  g_vfs.xDlClose = x_dl_close;
  g_vfs.xRandomness = x_randomness;
  g_vfs.xSleep = x_sleep;
  g_vfs.xCurrentTime = x_current_time;
  g_vfs.xGetLastError = x_get_last_error;
  if (g_vfs.iVersion >= 2) g_vfs.xCurrentTimeInt64 = x_current_time_int64;
  if (g_vfs.iVersion >= 3) {
    g_vfs.xSetSystemCall = x_set_system_call;
    g_vfs.xGetSystemCall = x_get_system_call;
    g_vfs.xNextSystemCall = x_next_system_call;
  }
  const int rc = sqlite3_vfs_register(&g_vfs, 0);
  if (rc != SQLITE_OK) {
    throw std::runtime_error(std::string("cannot register SQLite VFS: ") + sqlite3_errstr(rc));
  }
}

}  // namespace

const char* wal_coalescing_vfs() {
  static std::once_flag once;
  std::call_once(once, register_vfs);
  return kName;
}

WalWriteCounts wal_write_counts() noexcept {
  return {g_requested.load(std::memory_order_relaxed), g_issued.load(std::memory_order_relaxed)};
}

}  // namespace rolecall
