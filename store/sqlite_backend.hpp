#pragma once
// The storage backend that keeps every committed change in one SQLite database file, log
// structured as etcd and kine keep theirs: one row per change (revision, key, kind, type,
// object); the current state is the newest row of each key; rows older than the history window
// are compacted away except each live key's newest. Revisions continue across restarts and are
// never reused. The default backend (storage.backend: sqlite).

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include "store/storage_backend.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace orkest::store {

struct sqlite_options {
  std::string path;                      // the database file; created with its folder when absent
  bool full_sync = true;                 // fsync every commit (storage.sync: full) or not (normal)
  std::chrono::seconds history{300};     // changes kept for watchers to resume from
  std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

class sqlite_backend : public storage_backend {
 public:
  // The schema this orkest writes; an older one is migrated at open, a newer one refused.
  static constexpr int schema_version = 1;

  // Opens (or creates) the database; the error names the file and what to do.
  static std::variant<std::unique_ptr<sqlite_backend>, std::string> open(const sqlite_options& options);
  ~sqlite_backend() override;
  sqlite_backend(const sqlite_backend&) = delete;
  sqlite_backend& operator=(const sqlite_backend&) = delete;

  uint64_t revision() const override { return revision_; }
  bool commit(const std::string& key, uint64_t expected, const change_event& change,
              std::size_t encoded_bytes) override;
  std::optional<std::vector<change_event>> changes_since(uint64_t revision, const std::string& kind) const override;
  uint64_t compacted_revision() const override { return compacted_; }
  std::vector<change_event> stored_objects() const override;
  std::string last_error() const override { return last_error_; }
  // sync: full: commits are written to the log at once and fsynced by sync(), from the store's
  // syncer thread, for every commit made meanwhile together.
  bool needs_sync() const override { return options_.full_sync; }
  bool sync() override;

  // Removes the changes older than the history window now (commits do it at most once a second).
  void compact();

  // Writes a consistent copy of the database at `database` (which a running orkest may be
  // writing) to `destination`, through SQLite's online backup; the copy appears whole or not
  // at all. Starting orkest with the copy as its database restores it. The error names the file.
  static std::optional<std::string> save_snapshot(const std::string& database, const std::string& destination);

 private:
  sqlite_backend(sqlite3* db, sqlite_options options);
  std::optional<std::string> prepare();  // schema, pragmas, revision and compaction marks
  bool execute(const char* sql);         // for statements without parameters or rows
  void open_log();                       // the descriptor of the write-ahead log, for sync()
  void record_error(const std::string& what);

  sqlite3* db_;
  sqlite3_stmt* last_change_ = nullptr;    // a key's newest row
  sqlite3_stmt* insert_change_ = nullptr;
  sqlite_options options_;
  uint64_t revision_ = 0;
  uint64_t compacted_ = 0;
  std::chrono::system_clock::time_point last_compaction_{};
  std::string last_error_;
  int wal_fd_ = -1;  // the write-ahead log, for sync()
};

}  // namespace orkest::store
