#pragma once
// The host's pod volumes as an actor: setting them up and tearing them down is blocking
// file-system work (mounts, writes, recursive removal), so it runs on a thread of its own,
// never on CAF's scheduler. One per node; pod actors ask it.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <set>
#include <string>

#include "actors/atoms.hpp"
#include "volumes/pod_volume_host.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using volume_actor = caf::typed_actor<
    // set up (or bring up to date) one pod's volumes
    caf::replies_to<setup_atom, volumes::pod_volume_plan>::with<volumes::set_up_result>,
    // unmount and remove one pod's folder (or a provisioned volume's): the error, "" when gone
    caf::replies_to<teardown_atom, std::string>::with<std::string>,
    // the termination message a container left in this file, the file emptied
    caf::replies_to<message_atom, std::string>::with<std::string>,
    // make a provisioned volume's folder (world-writable, as k3s' local-path makes it)
    caf::replies_to<provision_atom, std::string>::with<std::string>,
    // remove the folders of pods not among these uids (pods deleted while orkest was down)
    caf::reacts_to<orphans_atom, std::set<std::string>>>;

// `pods_dir`: <data dir>/pods. `detached` is false only under the deterministic test scheduler.
volume_actor spawn_volume_actor(caf::actor_system& system, std::string pods_dir, bool detached = true);

}  // namespace orkest::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::volumes::pod_volume_plan)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orkest::volumes::set_up_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::set<std::string>)
