#include "netproxy/round_robin.hpp"

#include <algorithm>
#include <iterator>
#include <random>
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

std::size_t random_start(std::size_t size) {
  thread_local std::minstd_rand generator{std::random_device{}()};
  return std::uniform_int_distribution<std::size_t>(0, size - 1)(generator);
}

bool round_robin::replace(std::vector<backend> backends) {
  if (backends == *set_) return false;
  set_ = std::make_shared<const std::vector<backend>>(std::move(backends));
  cursor_ = set_->empty() ? 0 : start_(set_->size()) % set_->size();
  return true;
}

backend_plan round_robin::next_plan() {
  if (set_->empty()) return backend_plan(set_, 0);
  backend_plan plan(set_, cursor_);
  cursor_ = (cursor_ + 1) % set_->size();
  return plan;
}

void round_robin::set_affinity(std::chrono::seconds timeout) {
  if (timeout == affinity_) return;
  affinity_ = timeout;
  if (affinity_.count() <= 0) clients_.clear();
}

backend_plan round_robin::next_plan(uint32_t client, std::chrono::steady_clock::time_point now) {
  if (affinity_.count() <= 0 || set_->empty()) return next_plan();
  if (auto known = clients_.find(client); known != clients_.end() && now - known->second.last <= affinity_) {
    auto at = std::find(set_->begin(), set_->end(), known->second.chosen);
    if (at != set_->end()) {
      known->second.last = now;
      return backend_plan(set_, static_cast<std::size_t>(at - set_->begin()));
    }
  }
  if (clients_.size() >= max_remembered_clients) {
    for (auto it = clients_.begin(); it != clients_.end();)
      it = now - it->second.last > affinity_ ? clients_.erase(it) : std::next(it);
    if (clients_.size() >= max_remembered_clients) clients_.clear();
  }
  const std::size_t start = cursor_;
  clients_[client] = {(*set_)[start], now};
  return next_plan();
}

}  // namespace orkest::netproxy
