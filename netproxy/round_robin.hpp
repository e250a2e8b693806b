#pragma once
// Backend choice, free of sockets and threads so it can be tested as a plain function.
//
// Each client gets a `backend_plan`: round-robin order starting at the chooser's cursor, each
// backend offered at most once. The connection walks it until a connect succeeds. Before each
// retry the connection hands the plan the listener's current set (`follow`), so a backend
// removed meanwhile (its pod died) is not tried any more, not even by a client accepted
// before the removal, and one added meanwhile can still be.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "netproxy/proxy_engine.hpp"

namespace orkest::netproxy {

using backend_set = std::shared_ptr<const std::vector<backend>>;

class backend_plan {
 public:
  backend_plan() = default;
  backend_plan(backend_set set, std::size_t start);

  // From now on, choose from `set`.
  void follow(backend_set set);
  // Whether `set` still holds `candidate`.
  static bool holds(const backend_set& set, const backend& candidate);

  // The first backend of the set, in round-robin order from the plan's start, that has not
  // been offered yet; nullptr once there is none.
  const backend* next();

 private:
  bool offered(const backend& candidate) const;

  backend_set set_;
  std::size_t start_ = 0;
  std::vector<backend> offered_;
};

// start_chooser, random_start and first_backend: proxy_engine.hpp.

// Not thread-safe: the listener guards it with its mutex.
class round_robin {
 public:
  explicit round_robin(start_chooser start = random_start) : start_(std::move(start)) {}

  // Replaces the set. The cursor survives when the new set is identical (a periodic resync of
  // the same endpoints must not skew the spread) and starts where `start` says otherwise. True
  // when it changed.
  bool replace(std::vector<backend> backends);

  // A plan starting at the cursor; advances the cursor by one.
  backend_plan next_plan();

  // ClientIP session affinity (Kubernetes' sessionAffinity): a client address keeps the backend
  // it was given while it comes back within `timeout` of its last connection and that backend
  // is still in the set. Zero turns it off and forgets every client.
  void set_affinity(std::chrono::seconds timeout);
  // The plan for a client from `client` (its IPv4 address, network order) at `now`: with
  // affinity, starting at that client's backend; otherwise (or for a new client) next_plan().
  backend_plan next_plan(uint32_t client, std::chrono::steady_clock::time_point now);
  // Clients remembered at most; past it the idle ones are forgotten (all, if none is idle).
  static constexpr std::size_t max_remembered_clients = 65536;

  // The set as it is now, for a plan to follow.
  backend_set current() const { return set_; }

  std::size_t size() const { return set_->size(); }

 private:
  struct sticky_client {
    backend chosen;
    std::chrono::steady_clock::time_point last;
  };

  start_chooser start_;
  backend_set set_ = std::make_shared<const std::vector<backend>>();
  std::size_t cursor_ = 0;
  std::chrono::seconds affinity_{0};
  std::unordered_map<uint32_t, sticky_client> clients_;
};

}  // namespace orkest::netproxy
