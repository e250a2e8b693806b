#pragma once
// A netproxy::proxy that opens no socket: it keeps what each listener a Service actor holds was
// told (backends, affinity, externalTrafficPolicy Local), whether it is still open, and refuses
// the addresses a test marks as taken, as a port in use would be. Single-threaded, as the
// deterministic scheduler is.

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "netproxy/proxy_engine.hpp"

namespace orkest::netproxy {
// How a failed expectation shows a backend.
inline void PrintTo(const backend& b, std::ostream* out) { *out << b.host << ":" << b.port; }
}  // namespace orkest::netproxy

namespace orkest::testing {

class fake_proxy : public netproxy::proxy {
 public:
  struct bound_port {
    std::string address;
    uint16_t number = 0;
    bool open = true;
    std::vector<netproxy::backend> backends;
    std::chrono::seconds affinity{0};
    std::optional<netproxy::external_traffic_local> local;
  };

  std::set<std::pair<std::string, uint16_t>> in_use;  // listen() fails on these

  std::variant<std::unique_ptr<netproxy::listener>, std::string> listen(const std::string& address, uint16_t number,
                                                                        std::size_t) override {
    if (in_use.count({address, number})) return address + ":" + std::to_string(number) + ": Address already in use";
    auto opened = std::make_shared<bound_port>();
    opened->address = address;
    opened->number = number;
    ports_.push_back(opened);
    return std::unique_ptr<netproxy::listener>(new fake_listener(opened));
  }

  // The open listener on address:number, or null.
  std::shared_ptr<bound_port> at(const std::string& address, uint16_t number) const {
    for (auto it = ports_.rbegin(); it != ports_.rend(); ++it)
      if ((*it)->open && (*it)->address == address && (*it)->number == number) return *it;
    return nullptr;
  }

  std::size_t open_count() const {
    return static_cast<std::size_t>(std::count_if(ports_.begin(), ports_.end(), [](const auto& p) { return p->open; }));
  }

 private:
  class fake_listener : public netproxy::listener {
   public:
    explicit fake_listener(std::shared_ptr<bound_port> state) : state_(std::move(state)) {}
    ~fake_listener() override { state_->open = false; }
    void set_backends(std::vector<netproxy::backend> backends) override { state_->backends = std::move(backends); }
    void set_session_affinity(std::chrono::seconds timeout) override { state_->affinity = timeout; }
    void set_external_traffic_local(std::optional<netproxy::external_traffic_local> policy) override {
      state_->local = std::move(policy);
    }
    netproxy::listener_stats stats() const override { return {}; }
    uint16_t port() const override { return state_->number; }

   private:
    std::shared_ptr<bound_port> state_;
  };

  std::vector<std::shared_ptr<bound_port>> ports_;
};

}  // namespace orkest::testing
