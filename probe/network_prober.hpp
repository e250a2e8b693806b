#pragma once
// Makes HTTP and TCP probes. The real one (socket_prober) runs every probe of the process on
// one thread with non-blocking sockets and epoll: no process and no thread per probe, and the
// caller never blocks. `done` is called once per check, on the prober's thread, unless the
// prober is destroyed first.

#include <functional>
#include <memory>

#include "probe/network_check.hpp"

namespace orkest::probe {

using completion = std::function<void(const probe_outcome&)>;

class network_prober {
 public:
  virtual ~network_prober() = default;
  virtual void check(network_check what, completion done) = 0;
};

// Throws std::system_error when the kernel refuses an epoll instance or a thread.
std::shared_ptr<network_prober> make_socket_prober();

}  // namespace orkest::probe
