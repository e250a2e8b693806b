#pragma once
// The store actor: the single owner of every object. Every read and write in orkest is one
// message to it; committed changes are pushed to watchers as change_event messages.

#include <caf/typed_actor.hpp>
#include <caf/replies_to.hpp>

#include "actors/atoms.hpp"
#include "store/object_store.hpp"
#include "actors/store_messages.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

// Anything that wants committed changes pushed to it.
using change_listener = caf::typed_actor<caf::reacts_to<change_event>>;

using store_actor = caf::typed_actor<
    // (kind, namespace, body) -> the created object
    caf::replies_to<create_atom, std::string, std::string, json>::with<store_result>,
    caf::replies_to<get_atom, object_key>::with<store_result>,
    // -> a List (PodList, ...) with metadata.resourceVersion
    caf::replies_to<list_atom, list_request>::with<store_result>,
    // replace metadata and spec (PUT)
    caf::replies_to<update_atom, object_key, json>::with<store_result>,
    // replace status (PUT .../status): the controllers' write path
    caf::replies_to<status_atom, object_key, json>::with<store_result>,
    caf::replies_to<patch_atom, object_key, patch_request>::with<store_result>,
    caf::replies_to<delete_atom, object_key, delete_options>::with<store_result>,
    // a pod to its node (POST pods/{name}/binding): the scheduler's write
    caf::replies_to<bind_atom, object_key, json>::with<store_result>,
    // subscribe: replies {resourceVersion} once the listener has been sent every replayed
    // event; later changes follow as change_event messages until unwatch or the listener dies
    caf::replies_to<watch_atom, watch_request, change_listener>::with<store_result>,
    caf::reacts_to<unwatch_atom, change_listener>,
    // -> the current resourceVersion: whether the store keeps up (/readyz)
    caf::replies_to<ping_atom>::with<uint64_t>>;

// `backend` keeps the committed changes (a memory_backend when null). With `own_thread` the
// store runs on a thread of its own, so a commit waiting for the disk never holds one of the
// scheduler's threads (never in deterministic tests, whose scheduler runs every actor).
store_actor spawn_store(caf::actor_system& system, store::object_store_settings settings,
                        store::object_store_hooks hooks = store::default_hooks(),
                        std::shared_ptr<store::storage_backend> backend = nullptr, bool own_thread = false);

}  // namespace orkest::actors
