#include "netproxy/proxy_engine.hpp"

#include <utility>

#include "netproxy/engine_listener.hpp"
#include "netproxy/event_loop.hpp"
#include "netproxy/listener_state.hpp"
#include "netproxy/socket_ops.hpp"

namespace orkest::netproxy {

// The engine's private type is the event loop; listeners keep a weak reference to it.
struct engine::impl : event_loop {
  start_chooser start;
};

engine::engine(start_chooser start) : impl_(std::make_shared<impl>()) { impl_->start = std::move(start); }

engine::~engine() {
  // Explicit: a listener handle may briefly hold the loop alive, but the thread and every
  // socket must be gone when this destructor returns.
  impl_->stop();
}

std::variant<std::unique_ptr<listener>, std::string> engine::listen(const std::string& address, uint16_t port,
                                                                    std::size_t max_connections) {
  auto opened = open_listening_socket(address, port);
  if (auto* error = std::get_if<std::string>(&opened)) return std::move(*error);

  auto state = std::make_shared<listener_state>();
  state->fd = std::move(std::get<unique_fd>(opened));
  state->port = local_port(state->fd.get());
  state->max_connections = max_connections;
  state->chooser = round_robin(impl_->start);
  state->local_chooser = round_robin(impl_->start);
  state->loop = impl_;
  if (auto error = impl_->add_listener(state)) return address + ":" + std::to_string(port) + ": " + *error;
  return std::make_unique<engine_listener>(std::move(state));
}

}  // namespace orkest::netproxy
