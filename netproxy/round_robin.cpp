#include "netproxy/round_robin.hpp"

#include <algorithm>
#include <utility>

namespace orkest::netproxy {

backend_plan::backend_plan(backend_set set, std::size_t start) : set_(std::move(set)), start_(start) {}

void backend_plan::follow(backend_set set) { set_ = std::move(set); }

bool backend_plan::offered(const backend& candidate) const {
  return std::find(offered_.begin(), offered_.end(), candidate) != offered_.end();
}

bool backend_plan::holds(const backend_set& set, const backend& candidate) {
  return set && std::find(set->begin(), set->end(), candidate) != set->end();
}

const backend* backend_plan::next() {
  if (!set_) return nullptr;
  const std::size_t size = set_->size();
  // A plan offers a handful of backends at most, so scanning what it offered is cheap.
  for (std::size_t i = 0; i < size; ++i) {
    const backend& candidate = (*set_)[(start_ + i) % size];
    if (offered(candidate)) continue;
    offered_.push_back(candidate);
    return &candidate;
  }
  return nullptr;
}

bool round_robin::replace(std::vector<backend> backends) {
  if (backends == *set_) return false;
  set_ = std::make_shared<const std::vector<backend>>(std::move(backends));
  cursor_ = 0;
  return true;
}

backend_plan round_robin::next_plan() {
  if (set_->empty()) return backend_plan(set_, 0);
  backend_plan plan(set_, cursor_);
  cursor_ = (cursor_ + 1) % set_->size();
  return plan;
}

}  // namespace orkest::netproxy
