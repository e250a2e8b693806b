#include "netproxy/round_robin.hpp"

#include <utility>

namespace orkest::netproxy {

backend_plan::backend_plan(std::shared_ptr<const std::vector<backend>> set, std::size_t start)
    : set_(std::move(set)), start_(start) {}

const backend* backend_plan::next() {
  if (!set_ || offered_ >= set_->size()) return nullptr;
  const backend* chosen = &(*set_)[(start_ + offered_) % set_->size()];
  ++offered_;
  return chosen;
}

void round_robin::replace(std::vector<backend> backends) {
  if (backends == *set_) return;
  set_ = std::make_shared<const std::vector<backend>>(std::move(backends));
  cursor_ = 0;
}

backend_plan round_robin::next_plan() {
  if (set_->empty()) return backend_plan(set_, 0);
  backend_plan plan(set_, cursor_);
  cursor_ = (cursor_ + 1) % set_->size();
  return plan;
}

}  // namespace orkest::netproxy
