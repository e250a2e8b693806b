#pragma once
// Where committed changes are kept: below the object store, which decides what a change is
// (Kubernetes' object semantics) and keeps the current objects at hand. A backend assigns the
// revisions (resourceVersion), commits a change only if its key is still at the revision the
// writer read (compare-and-swap), and replays the changes after a revision for watchers until
// it compacts them. memory_backend keeps nothing across processes (tests, benchmarks);
// sqlite_backend keeps the same contract in a database file across restarts.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store_types.hpp"

namespace orkest::store {

class storage_backend {
 public:
  virtual ~storage_backend() = default;

  // The newest committed revision: 0 before the first change; revisions only grow and are
  // never reused.
  virtual uint64_t revision() const = 0;

  // Commits `change` (its resource_version is revision() + 1, the revision it gets) for `key`
  // ("Pod/default/web") if the key's last change has revision `expected` (0: the key does not
  // exist). `encoded_bytes` is the object's encoded size, which bounds what is kept. False
  // when the key moved on: nothing is committed.
  virtual bool commit(const std::string& key, uint64_t expected, const change_event& change,
                      std::size_t encoded_bytes) = 0;

  // The committed changes of `kind` after `revision`, oldest first; nullopt when changes after
  // it have been compacted away (a watch must relist: 410 Gone).
  virtual std::optional<std::vector<change_event>> changes_since(uint64_t revision, const std::string& kind) const = 0;

  // Changes at or before this revision are no longer kept.
  virtual uint64_t compacted_revision() const = 0;

  // The objects the backend held when it was opened (each key's newest change unless it was a
  // deletion), as ADDED changes: what a store starts from after a restart. None for a backend
  // that keeps nothing across processes.
  virtual std::vector<change_event> stored_objects() const = 0;

  // Whether a commit is durable only after sync(): true for a database that groups the fsyncs
  // of many commits into one (group commit); false when commit() itself is durable enough.
  virtual bool needs_sync() const { return false; }
  // Makes every commit made before the call durable (fsync). Safe to call from another thread
  // than the one committing, and meant to be: the committing thread keeps committing meanwhile.
  // False when the disk refused.
  virtual bool sync() { return true; }

  // Why the last commit failed when it was not a compare-and-swap conflict (a full disk), for
  // the error the writer gets; empty when nothing failed.
  virtual std::string last_error() const { return {}; }
};

}  // namespace orkest::store
