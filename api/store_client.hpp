#pragma once
// The HTTP side's only door to state: turns a call into one typed request to the store actor
// and waits for the answer, at most `timeout` (then a 504 Timeout Status, never a hang).

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <chrono>
#include <type_traits>

#include "actors/store_actor.hpp"

namespace orkest::api {

class store_client {
 public:
  store_client(caf::actor_system& system, actors::store_actor store, std::chrono::milliseconds timeout)
      : system_(system), store_(std::move(store)), timeout_(timeout) {}

  // Sends one request (atom and arguments as in actors::store_actor) and waits for its result.
  template <class Atom, class... Ts>
  store::store_result call(Atom atom, Ts&&... xs) {
    caf::scoped_actor self{system_};
    // A write that timed out may still be committed: the client must look before retrying.
    constexpr bool write = !std::is_same_v<Atom, actors::get_atom> && !std::is_same_v<Atom, actors::list_atom> &&
                           !std::is_same_v<Atom, actors::watch_atom>;
    auto result = store::store_result::failure(model::timeout(
        write ? "the server was unable to return a response in the time allotted, but may still be processing the "
                "request: the change may or may not be applied"
              : "request did not complete within the allowed duration"));
    self->request(store_, timeout_, atom, std::forward<Ts>(xs)...)
        .receive([&](store::store_result& reply) { result = std::move(reply); },
                 [&](const caf::error& error) {
                   if (error != caf::sec::request_timeout)
                     result = store::store_result::failure(model::internal_error(caf::to_string(error)));
                 });
    return result;
  }

  // Whether the store answers a ping within `deadline` (readiness: a store behind on its
  // mailbox answers every request late).
  bool answers_within(std::chrono::milliseconds deadline) {
    caf::scoped_actor self{system_};
    bool answered = false;
    self->request(store_, deadline, actors::ping_atom::value)
        .receive([&](uint64_t) { answered = true; }, [](const caf::error&) {});
    return answered;
  }

  caf::actor_system& system() { return system_; }
  const actors::store_actor& store() const { return store_; }

 private:
  caf::actor_system& system_;
  actors::store_actor store_;
  std::chrono::milliseconds timeout_;
};

}  // namespace orkest::api
