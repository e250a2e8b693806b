#include "store/sqlite_backend.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

namespace orkest::store {
namespace {

// One use of a prepared statement: prepared here and finalized at the end of the scope, or one
// the backend keeps prepared (reset and unbound at the end of the scope).
class statement {
 public:
  statement(sqlite3* db, const char* sql) { ok_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) == SQLITE_OK; }
  explicit statement(sqlite3_stmt* kept) : stmt_(kept), ok_(kept != nullptr), kept_(true) {}
  ~statement() {
    if (!kept_) {
      sqlite3_finalize(stmt_);
    } else if (stmt_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  bool ok() const { return ok_; }
  statement& bind(int index, int64_t value) {
    ok_ = ok_ && sqlite3_bind_int64(stmt_, index, value) == SQLITE_OK;
    return *this;
  }
  statement& bind(int index, const std::string& value) {
    ok_ = ok_ && sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) == SQLITE_OK;
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return ok_ ? sqlite3_step(stmt_) : SQLITE_ERROR; }
  int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string text(int column) const {
    auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return bytes ? std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string{};
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = false;
  bool kept_ = false;
};

// change_type::deleted as stored in the type column.
const std::string deleted_type = std::to_string(static_cast<int>(change_type::deleted));

int64_t unix_seconds(std::chrono::system_clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
}

// The meta table's integer under `name`, or `fallback`.
int64_t meta_value(sqlite3* db, const char* name, int64_t fallback) {
  statement read(db, "SELECT value FROM meta WHERE name = ?");
  read.bind(1, std::string(name));
  return read.step() == SQLITE_ROW ? read.integer(0) : fallback;
}

bool set_meta(sqlite3* db, const char* name, int64_t value) {
  statement write(db, "INSERT INTO meta(name, value) VALUES(?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value");
  write.bind(1, std::string(name)).bind(2, value);
  return write.step() == SQLITE_DONE;
}

change_event row_to_change(const statement& row) {
  // columns: revision, kind, type, value
  change_event change;
  change.resource_version = static_cast<uint64_t>(row.integer(0));
  change.kind = row.text(1);
  change.type = static_cast<change_type>(row.integer(2));
  change.object = json::parse(row.text(3), nullptr, false);
  return change;
}

}  // namespace

std::variant<std::unique_ptr<sqlite_backend>, std::string> sqlite_backend::open(const sqlite_options& options) {
  std::error_code error;
  const auto folder = std::filesystem::path(options.path).parent_path();
  if (!folder.empty()) std::filesystem::create_directories(folder, error);
  if (error) return "cannot create the data folder " + folder.string() + ": " + error.message();
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(options.path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return "cannot open the database " + options.path + ": " + message;
  }
  std::unique_ptr<sqlite_backend> backend(new sqlite_backend(db, options));
  if (auto problem = backend->prepare()) return *problem;
  return backend;
}

sqlite_backend::sqlite_backend(sqlite3* db, sqlite_options options) : db_(db), options_(std::move(options)) {}

void sqlite_backend::open_log() { wal_fd_ = ::open((options_.path + "-wal").c_str(), O_RDWR | O_CLOEXEC); }

bool sqlite_backend::sync() {
  if (wal_fd_ < 0) open_log();
  if (wal_fd_ < 0) return false;
  return ::fdatasync(wal_fd_) == 0;
}

sqlite_backend::~sqlite_backend() {
  if (wal_fd_ >= 0) ::close(wal_fd_);
  for (auto* kept : {last_change_, insert_change_}) sqlite3_finalize(kept);
  sqlite3_close(db_);
}

std::optional<std::string> sqlite_backend::prepare() {
  const std::string file = "the database " + options_.path;
  const std::string what_to_do =
      ": orkest will not start over it. Restore a snapshot (orkest snapshot save), or move the file away to "
      "start empty.";
  sqlite3_busy_timeout(db_, 5000);
  // WAL: readers never wait for the writer, and a commit is one append to the log, which
  // survives a crash of orkest at once (synchronous NORMAL). sync: full adds the fsync that
  // makes it survive a power cut too: sync(), one fsync of the log for all commits made since
  // the last one (group commit), after which the store answers their writers.
  if (!execute("PRAGMA journal_mode = WAL") || !execute("PRAGMA synchronous = NORMAL"))
    return file + " cannot be read (" + last_error_ + ")" + what_to_do;
  if (!execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"))
    return file + " cannot be read (" + last_error_ + ")" + what_to_do;
  const int64_t version = meta_value(db_, "schema_version", 0);
  if (version > schema_version)
    return file + " was written by a newer orkest (schema " + std::to_string(version) + "; this orkest reads up to " +
           std::to_string(schema_version) + "): run that orkest, or restore a snapshot taken by this one.";
  if (!execute("CREATE TABLE IF NOT EXISTS changes ("
               " revision INTEGER PRIMARY KEY,"  // resourceVersion
               " key TEXT NOT NULL,"             // kind/namespace/name
               " kind TEXT NOT NULL,"
               " type INTEGER NOT NULL,"         // change_type
               " value TEXT NOT NULL,"           // the object as JSON
               " committed_at INTEGER NOT NULL)") ||
      !execute("CREATE INDEX IF NOT EXISTS changes_by_key ON changes (key, revision)") ||
      !set_meta(db_, "schema_version", schema_version))
    return file + " cannot be prepared (" + std::string(sqlite3_errmsg(db_)) + ")" + what_to_do;
  // The revision is the newest row's, or what compaction noted in meta before it removed rows
  // (it may remove the newest, a deletion): a revision is never handed out twice.
  statement newest(db_, "SELECT MAX(revision) FROM changes");
  const int64_t newest_row = newest.step() == SQLITE_ROW ? newest.integer(0) : 0;
  revision_ = static_cast<uint64_t>(std::max(newest_row, meta_value(db_, "revision", 0)));
  compacted_ = static_cast<uint64_t>(meta_value(db_, "compacted_revision", 0));
  last_compaction_ = options_.now();
  // What every commit runs, compiled once.
  if (sqlite3_prepare_v2(db_, "SELECT revision, type FROM changes WHERE key = ? ORDER BY revision DESC LIMIT 1", -1,
                         &last_change_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db_,
                         "INSERT INTO changes(revision, key, kind, type, value, committed_at) VALUES(?, ?, ?, ?, ?, ?)",
                         -1, &insert_change_, nullptr) != SQLITE_OK)
    return file + " cannot be prepared (" + std::string(sqlite3_errmsg(db_)) + ")" + what_to_do;
  // The log sync() flushes, opened now that the writes above made it: from the start, so the
  // descriptors orkest holds do not change while it serves.
  if (options_.full_sync) open_log();
  return std::nullopt;
}

bool sqlite_backend::execute(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
  last_error_ = message ? message : sqlite3_errmsg(db_);
  sqlite3_free(message);
  return false;
}

void sqlite_backend::record_error(const std::string& what) {
  const std::string why = what + ": " + sqlite3_errmsg(db_);
  // SQLite may have rolled the transaction back itself (a full disk does): then this fails.
  if (!sqlite3_get_autocommit(db_)) execute("ROLLBACK");
  last_error_ = why;
}

bool sqlite_backend::commit(const std::string& key, uint64_t expected, const change_event& change, std::size_t) {
  last_error_.clear();
  if (change.resource_version != revision_ + 1) return false;
  if (!execute("BEGIN IMMEDIATE")) {
    last_error_ = "the database is not writable: " + last_error_;
    return false;
  }
  // Compare and swap: the key's newest row must be the one the writer read (0: no live row).
  statement last(last_change_);
  last.bind(1, key);
  int rc = last.step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    record_error("reading " + key);
    return false;
  }
  const bool live = rc == SQLITE_ROW && static_cast<change_type>(last.integer(1)) != change_type::deleted;
  const uint64_t current = live ? static_cast<uint64_t>(last.integer(0)) : 0;
  if (current != expected) {
    execute("ROLLBACK");
    return false;
  }
  statement insert(insert_change_);
  insert.bind(1, static_cast<int64_t>(change.resource_version))
      .bind(2, key)
      .bind(3, change.kind)
      .bind(4, static_cast<int64_t>(change.type))
      .bind(5, change.object.dump(-1, ' ', false, json::error_handler_t::replace))
      .bind(6, unix_seconds(options_.now()));
  if (insert.step() != SQLITE_DONE) {
    record_error("storing " + key);
    return false;
  }
  if (!execute("COMMIT")) {
    record_error("committing " + key);
    return false;
  }
  revision_ = change.resource_version;
  if (options_.now() - last_compaction_ >= std::chrono::seconds(1)) compact();
  return true;
}

void sqlite_backend::compact() {
  last_compaction_ = options_.now();
  const int64_t cutoff = unix_seconds(last_compaction_ - options_.history);
  // Every row older than the window goes, except the newest row of a key that still exists.
  const std::string doomed =
      " FROM changes WHERE committed_at < ?1 AND (type = " + deleted_type +
      " OR revision < (SELECT MAX(revision) FROM changes AS newer WHERE newer.key = changes.key))";
  statement newest_doomed(db_, ("SELECT MAX(revision)" + doomed).c_str());
  newest_doomed.bind(1, cutoff);
  if (newest_doomed.step() != SQLITE_ROW || newest_doomed.integer(0) == 0) return;
  const auto compacted = static_cast<uint64_t>(newest_doomed.integer(0));
  if (!execute("BEGIN IMMEDIATE")) return;
  statement remove(db_, ("DELETE" + doomed).c_str());
  remove.bind(1, cutoff);
  if (remove.step() != SQLITE_DONE || !set_meta(db_, "compacted_revision", static_cast<int64_t>(compacted)) ||
      !set_meta(db_, "revision", static_cast<int64_t>(revision_)) || !execute("COMMIT")) {
    execute("ROLLBACK");
    return;
  }
  compacted_ = std::max(compacted_, compacted);
}

std::optional<std::string> sqlite_backend::save_snapshot(const std::string& database, const std::string& destination) {
  if (!std::filesystem::exists(database)) return "there is no database at " + database;
  sqlite3* source = nullptr;
  sqlite3* copy = nullptr;
  const std::string partial = destination + ".partial";
  std::optional<std::string> error;
  if (sqlite3_open_v2(database.c_str(), &source, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    error = "cannot open the database " + database + ": " + sqlite3_errmsg(source);
  } else if (std::filesystem::remove(partial), sqlite3_open(partial.c_str(), &copy) != SQLITE_OK) {
    error = "cannot create " + partial + ": " + sqlite3_errmsg(copy);
  } else {
    sqlite3_busy_timeout(source, 5000);
    sqlite3_backup* backup = sqlite3_backup_init(copy, "main", source, "main");
    if (!backup) {
      error = "cannot copy " + database + ": " + sqlite3_errmsg(copy);
    } else {
      // All pages in one step: one read transaction, so the copy is one consistent revision.
      const int rc = sqlite3_backup_step(backup, -1);
      sqlite3_backup_finish(backup);
      if (rc != SQLITE_DONE) error = "cannot copy " + database + ": " + sqlite3_errstr(rc);
    }
  }
  sqlite3_close(source);
  sqlite3_close(copy);
  std::error_code failed;
  if (!error) std::filesystem::rename(partial, destination, failed);
  if (failed) error = "cannot write " + destination + ": " + failed.message();
  if (error) std::filesystem::remove(partial, failed);
  return error;
}

std::optional<std::vector<change_event>> sqlite_backend::changes_since(uint64_t revision, const std::string& kind) const {
  if (revision < compacted_) return std::nullopt;
  statement rows(db_, "SELECT revision, kind, type, value FROM changes WHERE kind = ? AND revision > ? ORDER BY revision");
  rows.bind(1, kind).bind(2, static_cast<int64_t>(revision));
  std::vector<change_event> changes;
  while (rows.step() == SQLITE_ROW) changes.push_back(row_to_change(rows));
  return changes;
}

std::vector<change_event> sqlite_backend::stored_objects() const {
  const std::string newest_live_rows =
      "SELECT revision, kind, type, value FROM changes WHERE type != " + deleted_type +
      " AND revision = (SELECT MAX(revision) FROM changes AS newer WHERE newer.key = changes.key) ORDER BY revision";
  statement rows(db_, newest_live_rows.c_str());
  std::vector<change_event> objects;
  while (rows.step() == SQLITE_ROW) {
    auto change = row_to_change(rows);
    change.type = change_type::added;
    objects.push_back(std::move(change));
  }
  return objects;
}

}  // namespace orkest::store
