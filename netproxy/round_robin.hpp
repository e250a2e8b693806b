#pragma once
// Backend choice, free of sockets and threads so it can be tested as a plain function.
//
// Each client gets a `backend_plan`: the backends in round-robin order starting at the
// chooser's cursor, each offered at most once. The connection walks it until a connect
// succeeds. The plan holds its own snapshot of the set, so replacing the set while a client is
// still trying backends does not disturb that client.

#include <cstddef>
#include <memory>
#include <vector>

#include "netproxy/proxy_engine.hpp"

namespace orkest::netproxy {

class backend_plan {
 public:
  backend_plan() = default;
  backend_plan(std::shared_ptr<const std::vector<backend>> set, std::size_t start);

  // The next backend to try, or nullptr once every backend has been offered.
  const backend* next();

 private:
  std::shared_ptr<const std::vector<backend>> set_;
  std::size_t start_ = 0;
  std::size_t offered_ = 0;
};

// Not thread-safe: the listener guards it with its mutex.
class round_robin {
 public:
  // Replaces the set. The cursor survives when the new set is identical (a periodic resync of
  // the same endpoints must not skew the spread) and restarts otherwise.
  void replace(std::vector<backend> backends);

  // A plan starting at the cursor; advances the cursor by one.
  backend_plan next_plan();

  std::size_t size() const { return set_->size(); }

 private:
  std::shared_ptr<const std::vector<backend>> set_ = std::make_shared<const std::vector<backend>>();
  std::size_t cursor_ = 0;
};

}  // namespace orkest::netproxy
