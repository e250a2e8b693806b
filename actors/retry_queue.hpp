#pragma once
// A controller's keys waiting to be synced again after a failed write, as client-go's
// rate-limited work queue keeps them: each key is retried after its back-off
// (control/retry_backoff), with at most one retry on its way per key, and a success forgets
// its failures. The retry arrives as (resync_atom, key) in the controller's own mailbox.

#include <set>
#include <string>

#include "actors/atoms.hpp"
#include "control/retry_backoff.hpp"

namespace orkest::actors {

class retry_queue {
 public:
  // Schedules `key` again after its back-off, unless a retry of it is on its way already.
  template <class Self>
  void retry(Self self, const std::string& key) {
    if (!scheduled_.insert(key).second) return;
    self->delayed_send(self, backoff_.failed(key), resync_atom::value, key);
  }
  // The retry of `key` has arrived: a later failure schedules another.
  void arrived(const std::string& key) { scheduled_.erase(key); }
  // `key` synced: its next failure waits the first back-off again.
  void succeeded(const std::string& key) { backoff_.succeeded(key); }

 private:
  control::retry_backoff backoff_;
  std::set<std::string> scheduled_;
};

}  // namespace orkest::actors
