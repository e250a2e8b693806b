#pragma once
// Services' node ports (type NodePort and LoadBalancer), as the apiserver's port allocator
// hands them out: each port of services.nodePortRange to one Service at most.

#include <optional>
#include <set>
#include <string>

namespace orkest::store {

class node_port_allocator {
 public:
  // The range, both ends included (Kubernetes' default 30000-32767).
  node_port_allocator(int first, int last);

  bool in_range(int port) const { return port >= first_ && port <= last_; }
  // Takes a given port; false when it is out of the range or taken.
  bool claim(int port);
  // A free port (the next after the last one handed out, wrapping), nullopt when all are taken.
  std::optional<int> allocate();
  void release(int port);
  // "30000-32767", for messages.
  std::string range() const;

 private:
  int first_, last_, next_;
  std::set<int> taken_;
};

}  // namespace orkest::store
