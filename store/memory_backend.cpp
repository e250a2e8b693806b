#include "store/memory_backend.hpp"

namespace orkest::store {

bool memory_backend::commit(const std::string& key, uint64_t expected, const change_event& change,
                            std::size_t encoded_bytes) {
  auto last = last_revision_.find(key);
  const uint64_t current = last == last_revision_.end() ? 0 : last->second;
  if (current != expected || change.resource_version != revision_ + 1) return false;
  revision_ = change.resource_version;
  if (change.type == change_type::deleted) last_revision_.erase(key);
  else last_revision_[key] = revision_;

  history_.push_back(change);
  history_sizes_.push_back(encoded_bytes);
  history_bytes_ += encoded_bytes;
  while (history_.size() > history_limit_ || (history_bytes_ > history_bytes_limit_ && history_.size() > 1)) {
    compacted_ = history_.front().resource_version;
    history_bytes_ -= history_sizes_.front();
    history_.pop_front();
    history_sizes_.pop_front();
  }
  return true;
}

std::optional<std::vector<change_event>> memory_backend::changes_since(uint64_t revision,
                                                                       const std::string& kind) const {
  if (revision < compacted_) return std::nullopt;
  std::vector<change_event> changes;
  for (const auto& change : history_)
    if (change.resource_version > revision && change.kind == kind) changes.push_back(change);
  return changes;
}

}  // namespace orkest::store
