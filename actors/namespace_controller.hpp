#pragma once
// Kubernetes' namespace controller and system namespaces controller, on the server: makes
// default, kube-system, kube-public and kube-node-lease when they are missing (at start, and
// again after one is deleted), and empties a Namespace being deleted: every object of every
// namespaced kind in it is deleted (pods gracefully, by their nodes), again until none is left,
// and then its finalizer ("kubernetes") is taken out of spec.finalizers; with none left the
// store removes it.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <chrono>

#include "actors/store_actor.hpp"
#include "actors/wall_clock.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using namespace_controller_actor =
    caf::typed_actor<caf::reacts_to<change_event>,
                     // a namespace (by name) is looked at again: content was left at the last pass
                     caf::reacts_to<resync_atom, std::string>>;

// `clock` stamps the NamespaceContentRemaining condition a namespace shows while its content goes.
namespace_controller_actor spawn_namespace_controller(caf::actor_system& system, store_actor store,
                                                      wall_clock clock = system_wall_clock());

}  // namespace orkest::actors
