#pragma once
// The storage backend that keeps everything in memory: nothing survives the process. For unit
// tests and benchmarks (storage.backend: memory).

#include <deque>
#include <map>

#include "store/storage_backend.hpp"

namespace orkest::store {

class memory_backend : public storage_backend {
 public:
  // History is bounded in changes and in encoded bytes: 400 updates of a 2.5 MB object once
  // kept 2 GB.
  memory_backend(std::size_t history_limit, std::size_t history_bytes_limit)
      : history_limit_(history_limit), history_bytes_limit_(history_bytes_limit) {}

  uint64_t revision() const override { return revision_; }
  bool commit(const std::string& key, uint64_t expected, const change_event& change,
              std::size_t encoded_bytes) override;
  std::optional<std::vector<change_event>> changes_since(uint64_t revision, const std::string& kind) const override;
  uint64_t compacted_revision() const override { return compacted_; }
  std::vector<change_event> stored_objects() const override { return {}; }  // a new process starts empty

 private:
  std::size_t history_limit_;
  std::size_t history_bytes_limit_;
  uint64_t revision_ = 0;
  std::map<std::string, uint64_t> last_revision_;  // of every key that exists
  std::deque<change_event> history_;
  std::deque<std::size_t> history_sizes_;  // encoded size of each change in history_
  std::size_t history_bytes_ = 0;
  uint64_t compacted_ = 0;
};

}  // namespace orkest::store
