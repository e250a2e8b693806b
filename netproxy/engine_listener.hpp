#pragma once
// The engine's listener: a handle on state shared with the engine thread (listener_state.hpp).

#include <memory>

#include "netproxy/listener_state.hpp"
#include "netproxy/proxy_engine.hpp"

namespace orkest::netproxy {

class engine_listener final : public listener {
 public:
  explicit engine_listener(std::shared_ptr<listener_state> state);
  ~engine_listener() override;  // closes the listening socket at once

  void set_backends(std::vector<backend> backends) override;
  void set_session_affinity(std::chrono::seconds timeout) override;
  void set_external_traffic_local(std::optional<external_traffic_local> policy) override;
  listener_stats stats() const override;
  uint16_t port() const override;

 private:
  std::shared_ptr<listener_state> state_;
};

}  // namespace orkest::netproxy
