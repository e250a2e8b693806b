#include "store/node_port_allocator.hpp"

namespace orkest::store {

node_port_allocator::node_port_allocator(int first, int last) : first_(first), last_(last), next_(first) {}

bool node_port_allocator::claim(int port) { return in_range(port) && taken_.insert(port).second; }

std::optional<int> node_port_allocator::allocate() {
  if (last_ < first_) return std::nullopt;
  const int size = last_ - first_ + 1;
  for (int tried = 0; tried < size; ++tried) {
    const int port = next_;
    next_ = next_ == last_ ? first_ : next_ + 1;
    if (taken_.insert(port).second) return port;
  }
  return std::nullopt;
}

void node_port_allocator::release(int port) { taken_.erase(port); }

std::string node_port_allocator::range() const { return std::to_string(first_) + "-" + std::to_string(last_); }

}  // namespace orkest::store
