#include "actors/client_address_return.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <optional>
#include <spdlog/spdlog.h>

#include "netproxy/transparent_return.hpp"
#include "podman/transparent_socket_mark.hpp"

namespace orkest::actors {

namespace {

void take_out() {
  if (auto error = podman::unmark_transparent_socket_packets()) spdlog::warn("client addresses: {}", *error);
  if (auto error = netproxy::remove_transparent_return()) spdlog::warn("client addresses: {}", *error);
}

struct return_state {
  std::optional<bool> ready;  // unset until the first Service asks
  static inline const char* name = "client-address-return";
  ~return_state() {
    if (ready.value_or(false)) take_out();
  }
};

using return_pointer = client_address_return_actor::stateful_pointer<return_state>;

bool put_in_place() {
  auto error = netproxy::add_transparent_return();
  if (!error) error = podman::mark_transparent_socket_packets();
  if (!error) return true;
  spdlog::warn("client addresses: externalTrafficPolicy Local Services reach their pods from this node's address: {}",
               *error);
  take_out();
  return false;
}

}  // namespace

client_address_return_actor spawn_client_address_return(caf::actor_system& system) {
  return system.spawn([](return_pointer self) -> client_address_return_actor::behavior_type {
    return {[self](setup_atom) {
      if (!self->state.ready) self->state.ready = put_in_place();
      return *self->state.ready;
    }};
  });
}

}  // namespace orkest::actors
